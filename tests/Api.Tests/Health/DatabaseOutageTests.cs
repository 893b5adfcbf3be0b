using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace FlutHilfe.Api.Tests.Health;

/// <summary>
/// The host reaches PostgreSQL through a TCP relay that the test cuts (every open connection reset, new ones refused)
/// and restores: what a stopped and restarted database looks like to the service.
/// </summary>
public sealed class DatabaseOutageFixture : AppFixture
{
    public TcpRelay Relay { get; } = new(new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Host!, new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Port);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:FlutHilfe"] = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString) { Host = "127.0.0.1", Port = Relay.Port, MaxPoolSize = 20 }.ConnectionString,
        ["Health:ReadinessCacheSeconds"] = "0",
    };

    public override async ValueTask DisposeAsync()
    {
        Relay.Resume();
        await base.DisposeAsync();
        Relay.Dispose();
    }
}

public class DatabaseOutageTests(DatabaseOutageFixture app) : IClassFixture<DatabaseOutageFixture>
{
    private const string Url = "/api/appeals/freude-schenken-2021/donations";

    [Fact]
    public async Task a_pledge_while_the_database_is_down_is_a_503_problem_with_retry_after_and_the_service_recovers_by_itself()
    {
        await app.OpenAppealAsync();
        await Pledge(201);

        app.Relay.Cut();
        try
        {
            var refused = await Pledge(503);
            refused.Context.Response.Headers.RetryAfter.ToString().ShouldBe("5");
            refused.Context.Response.ContentType.ShouldBe("application/problem+json");
            var problem = await refused.ReadAsJsonAsync<JsonElement>();
            problem.GetProperty("status").GetInt32().ShouldBe(503);
            // A second attempt finds no usable pooled connection either: still a 503, never a 500.
            await Pledge(503);
            await app.Host.Scenario(s =>
            {
                s.Get.Url("/health/ready");
                s.StatusCodeShouldBe(503);
            });
        }
        finally
        {
            app.Relay.Resume();
        }

        // No restart, no operator: the next pledge goes through and the store has it.
        var pledged = await (await Pledge(201)).ReadAsJsonAsync<JsonElement>();
        await using var session = app.Store.QuerySession();
        var donation = await session.LoadAsync<FlutHilfe.Domain.Donations.Donation>(pledged.GetProperty("donationId").GetGuid(), TestContext.Current.CancellationToken);
        donation.ShouldNotBeNull();
        await app.Host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public void connection_failures_are_recognised_but_refusals_of_the_database_are_not()
    {
        FlutHilfe.Api.Infrastructure.Problems.DatabaseUnavailable.Is(new Npgsql.NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        FlutHilfe.Api.Infrastructure.Problems.DatabaseUnavailable.Is(new InvalidOperationException("wrapped", new Npgsql.NpgsqlException("Exception while reading from stream", new IOException("reset")))).ShouldBeTrue();
        FlutHilfe.Api.Infrastructure.Problems.DatabaseUnavailable.Is(new Npgsql.PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")).ShouldBeTrue();
        FlutHilfe.Api.Infrastructure.Problems.DatabaseUnavailable.Is(new Npgsql.PostgresException("duplicate key", "ERROR", "ERROR", "23505")).ShouldBeFalse();
        FlutHilfe.Api.Infrastructure.Problems.DatabaseUnavailable.Is(new InvalidOperationException("a bug")).ShouldBeFalse();
    }

    private Task<Alba.IScenarioResult> Pledge(int status) => app.Host.Scenario(s =>
    {
        s.Post.Json(new { amountCents = 5000 }).ToUrl(Url);
        s.WithRequestHeader("Idempotency-Key", Guid.NewGuid().ToString());
        s.StatusCodeShouldBe(status);
    });
}

/// <summary>A loopback TCP relay to PostgreSQL that can be cut (open connections reset, new ones refused) and resumed.</summary>
public sealed class TcpRelay : IDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _open = [];
    private readonly Lock _lock = new();
    private volatile bool _cut;
    private readonly CancellationTokenSource _stop = new();

    public TcpRelay(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync();
    }

    public int Port { get; }

    public void Cut()
    {
        _cut = true;
        lock (_lock)
        {
            foreach (var s in _open)
            {
                try
                {
                    s.LingerState = new LingerOption(true, 0); // RST, as a killed server's kernel would answer
                    s.Close();
                }
                catch (ObjectDisposedException)
                {
                }
            }
            _open.Clear();
        }
    }

    public void Resume() => _cut = false;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (_cut)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Close();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_host, _port, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Close();
            server.Dispose();
            return;
        }
        lock (_lock)
        {
            _open.Add(client);
            _open.Add(server);
        }
        await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
        client.Close();
        server.Close();
        lock (_lock)
        {
            _open.Remove(client);
            _open.Remove(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) return;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Cut();
        _listener.Stop();
        _stop.Dispose();
    }
}
