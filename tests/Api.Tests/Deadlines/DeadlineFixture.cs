using System.Net;
using System.Net.Sockets;
using FlutHilfe.Api.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;

namespace FlutHilfe.Api.Tests.Deadlines;

/// <summary>
/// A host on a fake clock (FakeTimeProvider, moved by the tests; a fresh one per test, since a fake clock never goes back)
/// that mails to an SMTP sink, with clerk and treasury addresses and no sweep of its own: the tests sweep by hand.
/// </summary>
public sealed class DeadlineFixture : AppFixture
{
    /// <summary>Monday, 03.10.2022, 10:00 in Aachen.</summary>
    public static readonly DateTimeOffset Start = new(2022, 10, 3, 8, 0, 0, TimeSpan.Zero);

    public SimpleSmtpServer Smtp { get; } = SimpleSmtpServer.Start(FreePort());
    public FakeTimeProvider Clock => _clock.Fake;
    private readonly ForwardingClock _clock = new();

    public void ResetClock() => _clock.Fake = new FakeTimeProvider(Start);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Configuration.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:TreasurerAddress"] = "schatzamt@region-aachen.example",
        ["PublicBaseUrl"] = "https://spenden.example.org",
        ["Deadlines:SweepInterval"] = "00:00:00",
        ["Deadlines:MunicipalityAddresses:stolberg:0"] = "kita@stolberg.example",
        ["Deadlines:MunicipalityAddresses:stolberg:1"] = "kaemmerei@stolberg.example",
        // Tokens are issued on the fake clock (years before today): valid on either clock.
        ["Auth:TokenLifetimeHours"] = "200000",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    /// <summary>A bearer token issued at the fake clock's time.</summary>
    public string TokenNow(string role, string? municipalityId = null)
        => DevelopmentTokens.Issue(Host.Services.GetRequiredService<AuthOptions>(), role, municipalityId, Clock);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ForwardingClock : TimeProvider
    {
        public FakeTimeProvider Fake { get; set; } = new(Start);

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();
    }
}
