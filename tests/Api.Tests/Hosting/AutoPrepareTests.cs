using FlutHilfe.Api.Infrastructure;
using Npgsql;

namespace FlutHilfe.Api.Tests.Hosting;

/// <summary>The service's connections prepare repeated statements unless the connection string says otherwise.</summary>
public class AutoPrepareTests
{
    [Fact]
    public void a_connection_string_without_a_setting_gets_automatic_preparation()
    {
        var result = new NpgsqlConnectionStringBuilder(HostConfiguration.WithAutoPrepare("Host=127.0.0.1;Port=54329;Database=fluthilfe;Username=u;Password=p"));
        result.MaxAutoPrepare.ShouldBe(HostConfiguration.AutoPreparedStatements);
        result.AutoPrepareMinUsages.ShouldBe(2);
        result.Database.ShouldBe("fluthilfe");
        result.Password.ShouldBe("p");
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0", 0)]
    [InlineData("Host=h;MaxAutoPrepare=5", 5)]
    [InlineData("Host=h;max auto prepare=7", 7)]
    public void a_setting_in_the_connection_string_wins(string given, int expected)
        => new NpgsqlConnectionStringBuilder(HostConfiguration.WithAutoPrepare(given)).MaxAutoPrepare.ShouldBe(expected);
}
