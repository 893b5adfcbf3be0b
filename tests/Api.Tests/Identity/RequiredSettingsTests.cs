using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace FlutHilfe.Api.Tests.Identity;

/// <summary>Outside Development the service refuses to start without a receipt verification key of its own.</summary>
public class RequiredSettingsTests
{
    private static async Task<Exception?> StartProductionAsync(string? verificationKey, string signingKey = AppFixture.SigningKey)
    {
        var schema = "test_settings_" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:FlutHilfe"] = AppFixture.ConnectionString,
            ["Marten:Schema"] = schema,
            ["Auth:SigningKey"] = signingKey,
            ["Auth:Authority"] = "",
            ["DemoData:Seed"] = "false",
            ["Receipts:VerificationKey"] = verificationKey,
        };
        try
        {
            await using var host = await AlbaHost.For<Program>(web =>
            {
                web.UseEnvironment("Production");
                web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
                foreach (var (key, value) in settings) web.UseSetting(key, value);
            });
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
        finally
        {
            await AppFixture.DropSchemaAsync(schema);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("too-short")]
    [InlineData("development-only-verification-key-change-me-0123456789")]
    public async Task production_refuses_to_start_without_a_verification_key_of_its_own(string? key)
    {
        var failure = await StartProductionAsync(key);
        failure.ShouldNotBeNull();
        (failure.ToString()).ShouldContain("Receipts:VerificationKey");
    }

    [Fact]
    public async Task production_refuses_to_start_with_the_development_signing_key_and_names_its_variable_not_its_value()
    {
        const string developmentKey = "development-only-signing-key-change-me-0123456789abcdef";
        var failure = await StartProductionAsync("a-verification-key-for-production-0123456789", developmentKey);
        failure.ShouldNotBeNull();
        var text = failure.ToString();
        text.ShouldContain("Auth:SigningKey");
        text.ShouldContain("Auth__SigningKey");
        text.ShouldNotContain(developmentKey);
    }
}
