using System.Net;
using System.Text;
using System.Text.Json;
using FlutHilfe.Api.Infrastructure.Idempotency;
using FlutHilfe.Domain.Donations.Pledging;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FlutHilfe.Api.Tests.Idempotency;

public class IdempotencyTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Url = "/api/appeals/freude-schenken-2021/donations";
    private const string Street = "Kaiserplatz 17";
    private const string Email = "geheim.spender@example.org";

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static object Body => new
    {
        amountCents = 5_000, receiptWanted = true,
        donor = new { name = "Jürgen Müller", street = Street, postalCode = "52062", city = "Aachen", country = "DE", email = Email },
    };

    public static Task<IScenarioResult> Pledge(AppFixture app, string key, string address, object? body = null, string? token = null, int status = 201)
        => app.Host.Scenario(s =>
        {
            s.Post.Json(body ?? Body).ToUrl(Url);
            s.WithRequestHeader("Idempotency-Key", key);
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            if (token is not null) s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        });

    private async Task<long> PledgeCountAsync()
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<DonationPledged>().CountAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task the_same_client_gets_the_first_answer_again_and_pledges_once()
    {
        var key = $"\"{Guid.NewGuid()}\"";
        var first = await (await Pledge(app, key, "203.0.113.5")).ReadAsJsonAsync<JsonElement>();
        var retry = await Pledge(app, key, "203.0.113.5");

        retry.Context.Response.Headers[IdempotencyMiddleware.ReplayedHeader].ToString().ShouldBe("true");
        (await retry.ReadAsJsonAsync<JsonElement>()).GetProperty("donorUrl").GetString().ShouldBe(first.GetProperty("donorUrl").GetString());
        (await PledgeCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task another_anonymous_client_with_the_same_key_and_body_never_gets_the_first_donors_link()
    {
        var key = Guid.NewGuid().ToString();
        var first = await (await Pledge(app, key, "203.0.113.5")).ReadAsJsonAsync<JsonElement>();
        var other = await Pledge(app, key, "198.51.100.7");

        other.Context.Response.Headers.ContainsKey(IdempotencyMiddleware.ReplayedHeader).ShouldBeFalse();
        var second = await other.ReadAsJsonAsync<JsonElement>();
        second.GetProperty("donationId").GetString().ShouldNotBe(first.GetProperty("donationId").GetString());
        second.GetProperty("donorUrl").GetString().ShouldNotBe(first.GetProperty("donorUrl").GetString());
        (await PledgeCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task signed_in_callers_have_keys_of_their_own()
    {
        var key = Guid.NewGuid().ToString();
        var treasurer = app.Token("treasurer");
        await Pledge(app, key, "203.0.113.5", token: treasurer);
        (await Pledge(app, key, "198.51.100.7", token: treasurer)).Context.Response.Headers[IdempotencyMiddleware.ReplayedHeader].ToString().ShouldBe("true");
        var auditor = await Pledge(app, key, "203.0.113.5", token: app.Token("auditor"));
        auditor.Context.Response.Headers.ContainsKey(IdempotencyMiddleware.ReplayedHeader).ShouldBeFalse();
        (await PledgeCountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_422_and_a_key_that_is_not_a_string_is_400()
    {
        var key = Guid.NewGuid().ToString();
        await Pledge(app, key, "203.0.113.5");
        var problem = await (await Pledge(app, key, "203.0.113.5", new { amountCents = 1 }, status: 422)).ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe("Idempotency-Key");

        foreach (var bad in new[] { "\"unterminated", "\"a\"b\"", "schlüssel", new string('k', 201), "\"\"" })
        {
            var result = await app.Host.Scenario(s =>
            {
                s.Post.Json(Body).ToUrl(Url);
                s.WithRequestHeader("Idempotency-Key", bad);
                s.IgnoreStatusCode();
            });
            result.Context.Response.StatusCode.ShouldBe(400, bad);
            (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("Idempotency-Key", bad);
        }
        (await PledgeCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task no_table_holds_a_donor_token_e_mail_or_street_readable_after_pledges_and_replays()
    {
        var key = Guid.NewGuid().ToString();
        var first = await (await Pledge(app, key, "203.0.113.5")).ReadAsJsonAsync<JsonElement>();
        await Pledge(app, key, "203.0.113.5");
        await Pledge(app, Guid.NewGuid().ToString(), "198.51.100.7");
        var token = Uri.UnescapeDataString(first.GetProperty("donorUrl").GetString()!.Split("token=")[1]);

        var dump = await DumpEveryTableAsync(app);

        dump.Length.ShouldBeGreaterThan(1000);
        dump = WithBase64Decoded(dump);
        foreach (var secret in new[] { token, Email, Street })
        {
            foreach (var form in Forms(secret))
            {
                dump.Contains(form, StringComparison.OrdinalIgnoreCase).ShouldBeFalse($"'{form}' (from '{secret}') is readable in the database");
            }
        }
    }

    /// <summary>
    /// The value as text (also JSON-escaped), as hex of its UTF-8 (how PostgreSQL prints bytea), and in base64, standard
    /// and URL-safe, at each of the three alignments it can have inside a longer base64 text.
    /// </summary>
    public static IEnumerable<string> Forms(string secret)
    {
        var bytes = Encoding.UTF8.GetBytes(secret);
        var forms = new List<string> { secret, JsonSerializer.Serialize(secret).Trim('"'), Convert.ToHexStringLower(bytes) };
        for (var offset = 0; offset < 3; offset++)
        {
            var encoded = Convert.ToBase64String([.. new byte[offset], .. bytes]);
            var stable = encoded[(offset == 0 ? 0 : 4)..^4];
            forms.Add(stable);
            forms.Add(stable.Replace('+', '-').Replace('/', '_'));
        }
        return forms;
    }

    /// <summary>The text plus whatever its base64 runs decode to, three layers deep (JSON holds byte arrays as base64).</summary>
    public static string WithBase64Decoded(string text)
    {
        var all = new StringBuilder(text);
        var layer = text;
        for (var depth = 0; depth < 3; depth++)
        {
            var decoded = new StringBuilder();
            foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(layer, "[A-Za-z0-9+/_-]{16,}={0,2}"))
            {
                var value = run.Value.Replace('-', '+').Replace('_', '/').TrimEnd('=');
                value = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
                var buffer = new byte[value.Length];
                if (Convert.TryFromBase64String(value, buffer, out var written)) decoded.AppendLine(Encoding.UTF8.GetString(buffer, 0, written));
            }
            layer = decoded.ToString();
            all.AppendLine(layer);
        }
        return all.ToString();
    }

    /// <summary>Every row of every table of the schema as text; binary columns with their printable bytes as they are.</summary>
    public static async Task<string> DumpEveryTableAsync(AppFixture app)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var columns = new List<(string Table, string Column, string Type)>();
        await using (var list = new NpgsqlCommand(
            "select c.table_name, c.column_name, c.data_type from information_schema.columns c join information_schema.tables t " +
            "on t.table_schema = c.table_schema and t.table_name = c.table_name where c.table_schema = @s and t.table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("s", app.Schema);
            await using var reader = await list.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken)) columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        columns.ShouldContain(c => c.Table == "mt_doc_idempotencyrecord");
        var dump = new StringBuilder();
        foreach (var (table, column, type) in columns)
        {
            var text = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text";
            await using var rows = new NpgsqlCommand($"select coalesce(string_agg({text}, E'\\n'), '') from {app.Schema}.\"{table}\"", connection);
            dump.AppendLine((string)(await rows.ExecuteScalarAsync(TestContext.Current.CancellationToken))!);
        }
        return dump.ToString();
    }
}

/// <summary>A host whose clock the test moves: records expire and the cleanup job deletes them.</summary>
public sealed class ExpiringIdempotencyFixture : AppFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Idempotency:RecordLifetime"] = "1.00:00:00",
        ["Idempotency:CleanupInterval"] = "01:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

public class IdempotencyExpiryTests(ExpiringIdempotencyFixture app) : IClassFixture<ExpiringIdempotencyFixture>
{
    [Fact]
    public async Task records_expire_after_their_lifetime_and_the_cleanup_job_deletes_them()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync();
        var key = Guid.NewGuid().ToString();
        var first = await (await IdempotencyTests.Pledge(app, key, "203.0.113.5")).ReadAsJsonAsync<JsonElement>();
        app.Clock.Advance(TimeSpan.FromHours(23));
        (await IdempotencyTests.Pledge(app, key, "203.0.113.5")).Context.Response.Headers[IdempotencyMiddleware.ReplayedHeader].ToString().ShouldBe("true");
        (await CountAsync()).ShouldBe(1);

        app.Clock.Advance(TimeSpan.FromHours(2));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (await CountAsync() > 0) await Task.Delay(50, timeout.Token);

        var again = await IdempotencyTests.Pledge(app, key, "203.0.113.5");
        again.Context.Response.Headers.ContainsKey(IdempotencyMiddleware.ReplayedHeader).ShouldBeFalse();
        (await again.ReadAsJsonAsync<JsonElement>()).GetProperty("donationId").GetString().ShouldNotBe(first.GetProperty("donationId").GetString());
    }

    private async Task<int> CountAsync()
    {
        await using var session = app.Store.QuerySession();
        return await session.Query<IdempotencyRecord>().CountAsync(TestContext.Current.CancellationToken);
    }
}
