using System.Text.Json;
using System.Text.Json.Nodes;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Shared;
using Marten;
using Npgsql;

namespace FlutHilfe.Api.Tests.Donations;

public class PledgeTests(AppFixture app) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const string Url = "/api/appeals/freude-schenken-2021/donations";

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        await app.OpenAppealAsync(pledgeLimitCents: 10_000_000);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static object SplitPledge() => new
    {
        amountCents = 5000,
        earmarks = new object[]
        {
            new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 3000 },
            new { municipalityId = "eschweiler", amountCents = 2000 },
        },
        donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email = "jm@example.org" },
        receiptWanted = true,
    };

    private async Task<JsonElement> Pledge(object body, int status = 201, string? idempotencyKey = null, string url = Url)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (idempotencyKey is not null) s.WithRequestHeader("Idempotency-Key", idempotencyKey);
            s.StatusCodeShouldBe(status);
        });
        return await result.ReadAsJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task a_pledge_returns_payment_instructions_a_decodable_girocode_and_a_donor_link()
    {
        var pledge = await Pledge(SplitPledge());

        pledge.GetProperty("status").GetString().ShouldBe("pledged");
        pledge.GetProperty("amountCents").GetInt64().ShouldBe(5000);
        var reference = pledge.GetProperty("reference").GetString()!;
        CreditorReference.TryParse(reference, out _, out _).ShouldBeTrue();
        reference.ShouldStartWith("RF");

        var payment = pledge.GetProperty("payment");
        payment.GetProperty("beneficiary").GetString().ShouldBe("Region Aachen Zweckverband");
        payment.GetProperty("iban").GetString().ShouldBe(Requests.AppealIban);
        payment.GetProperty("bic").GetString().ShouldBe("COBADEFFXXX");
        payment.GetProperty("amountCents").GetInt64().ShouldBe(5000);
        payment.GetProperty("reference").GetString().ShouldBe(reference);
        payment.GetProperty("purposeCode").GetString().ShouldBe("CHAR");

        var epc = pledge.GetProperty("epcPayload").GetString()!;
        epc.Split('\n').ShouldBe(["BCD", "002", "1", "SCT", "COBADEFFXXX", "Region Aachen Zweckverband", Requests.AppealIban,
            "EUR50", "CHAR", reference, "", "Spende: Freude schenken"]);

        var png = await app.Host.Scenario(s =>
        {
            s.Get.Url(pledge.GetProperty("qrPngUrl").GetString()!);
            s.ContentTypeShouldBe("image/png");
        });
        QrDecoder.Decode(await png.ReadAsBytesAsync()).ShouldBe(epc);

        var svg = await app.Host.Scenario(s => s.Get.Url(pledge.GetProperty("qrSvgUrl").GetString()!));
        (await svg.ReadAsTextAsync()).ShouldContain("<svg");

        var view = await app.Host.GetAsJson<JsonElement>(pledge.GetProperty("donorUrl").GetString()!);
        view.GetProperty("status").GetString().ShouldBe("pledged");
        view.GetProperty("reference").GetString().ShouldBe(reference);
        view.GetProperty("earmarks").EnumerateArray().Select(e => e.GetProperty("municipalityName").GetString())
            .ShouldBe(["Stolberg (Rhld.)", "Eschweiler"]);
        view.GetProperty("epcPayload").GetString().ShouldBe(epc);
    }

    [Fact]
    public async Task a_pledge_without_earmarks_goes_to_the_general_fund()
    {
        var pledge = await Pledge(new { amountCents = 2500 });
        var earmark = pledge.GetProperty("earmarks").EnumerateArray().Single();
        earmark.GetProperty("municipalityId").ValueKind.ShouldBe(JsonValueKind.Null);
        earmark.GetProperty("purposeId").ValueKind.ShouldBe(JsonValueKind.Null);
        earmark.GetProperty("amountCents").GetInt64().ShouldBe(2500);
        pledge.GetProperty("epcPayload").GetString()!.Split('\n')[7].ShouldBe("EUR25");
    }

    [Fact]
    public async Task references_are_unique_per_pledge()
    {
        var references = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            references.Add((await Pledge(new { amountCents = 100 + i })).GetProperty("reference").GetString()!);
        }
        references.Count.ShouldBe(20);
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData("")]
    [InlineData(null)]
    public async Task a_wrong_or_missing_token_is_404_like_an_unknown_donation(string? token)
    {
        var pledge = await Pledge(new { amountCents = 1000 });
        var id = pledge.GetProperty("donationId").GetString();
        var query = token is null ? "" : "?token=" + token;
        foreach (var url in new[] { $"/api/donations/{id}{query}", $"/api/donations/{id}/qr.png{query}", $"/api/donations/{id}/qr.svg{query}" })
        {
            await app.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.StatusCodeShouldBe(404);
                s.ContentTypeShouldBe("application/problem+json");
            });
        }

        var unknown = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/donations/{Guid.CreateVersion7()}?token=x");
            s.StatusCodeShouldBe(404);
        });
        (await unknown.ReadAsJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("No such donation.");
    }

    [Fact]
    public async Task the_token_is_stored_only_as_a_hash()
    {
        var pledge = await Pledge(new { amountCents = 1000 });
        var token = new Uri("http://x" + pledge.GetProperty("donorUrl").GetString()).Query.Split("token=")[1];
        var dump = await DumpAsync();
        dump.ShouldNotContain(Uri.UnescapeDataString(token));
        dump.ShouldContain(DonorToken.Hash(Uri.UnescapeDataString(token)));
    }

    [Fact]
    public async Task events_carry_a_donor_id_and_never_the_person()
    {
        var pledge = await Pledge(SplitPledge());

        await using var session = app.Store.QuerySession();
        var pledged = (await session.Events.QueryRawEventDataOnly<DonationPledged>().ToListAsync(TestContext.Current.CancellationToken)).Single();
        pledged.DonorId.ShouldNotBeNull();
        var profile = await FlutHilfe.Api.Infrastructure.PersonalData.DonorProfiles.LoadAsync(session, pledged.DonorId!.Value, TestContext.Current.CancellationToken);
        profile.ShouldNotBeNull().Name.ShouldBe("Jürgen Müller");

        var events = await EventJsonAsync();
        foreach (var personal in new[] { "Jürgen", "J\\u00FCrgen", "Müller", "M\\u00FCller", "Kaiserplatz", "52146", "Würselen", "W\\u00FCrselen", "jm@example.org" })
        {
            events.ShouldNotContain(personal, Case.Insensitive);
        }
        events.ShouldContain(pledge.GetProperty("reference").GetString()!);
    }

    [Theory]
    [InlineData("{\"amountCents\": 0}", "amountCents")]
    [InlineData("{\"amountCents\": -5}", "amountCents")]
    [InlineData("{}", "amountCents")]
    [InlineData("{\"amountCents\": 10000001}", "amountCents")]
    [InlineData("{\"amountCents\": 5000, \"earmarks\": [{\"municipalityId\": \"stolberg\", \"amountCents\": 3000}]}", "earmarks")]
    [InlineData("{\"amountCents\": 5000, \"earmarks\": [{\"municipalityId\": \"koeln\", \"amountCents\": 5000}]}", "earmarks[0].municipalityId")]
    [InlineData("{\"amountCents\": 5000, \"earmarks\": [{\"purposeId\": \"fahrraeder\", \"amountCents\": 5000}]}", "earmarks[0].purposeId")]
    [InlineData("{\"amountCents\": 5000, \"earmarks\": [{\"purposeId\": \"weihnachtsfeiern\", \"amountCents\": 0}, {\"amountCents\": 5000}]}", "earmarks[0].amountCents")]
    [InlineData("{\"amountCents\": 5000, \"earmarks\": [{\"amountCents\": 2500}, {\"amountCents\": 2500}]}", "earmarks")]
    [InlineData("{\"amountCents\": 5000, \"receiptWanted\": true}", "donor")]
    [InlineData("{\"amountCents\": 5000, \"receiptWanted\": true, \"donor\": {\"name\": \"A\", \"email\": \"a@example.org\"}}", "donor")]
    [InlineData("{\"amountCents\": 5000, \"donor\": {\"email\": \"not-an-address\"}}", "donor.email")]
    [InlineData("{\"amountCents\": 5000, \"donor\": {\"email\": \"a b@example.org\"}}", "donor.email")]
    [InlineData("{\"amountCents\": 5000, \"donor\": {\"country\": \"Germany\"}}", "donor.country")]
    public async Task refusals_are_problems_naming_the_field_and_write_nothing(string body, string field)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(Url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(422);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field);
        await AssertNoDonationsAsync();
    }

    [Fact]
    public async Task overlong_texts_are_refused()
    {
        var body = JsonSerializer.SerializeToNode(SplitPledge())!.AsObject();
        body["donor"]!["name"] = new string('x', 71);
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body.ToJsonString()).ToUrl(Url);
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(422);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("donor.name");
        await AssertNoDonationsAsync();
    }

    [Fact]
    public async Task an_appeal_without_a_limit_takes_the_epc_maximum_and_refuses_more()
    {
        await app.OpenAppealAsync("ohne-limit", "DE02120300000000202051");
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 100_000_000_000L }).ToUrl("/api/appeals/ohne-limit/donations");
            s.StatusCodeShouldBe(422);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("amountCents");
        var max = await Pledge(new { amountCents = 99_999_999_999L }, 201, url: "/api/appeals/ohne-limit/donations");
        max.GetProperty("epcPayload").GetString()!.Split('\n')[7].ShouldBe("EUR999999999.99");
    }

    [Fact]
    public async Task a_closed_appeal_refuses_pledges_with_409()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "Ende" }).ToUrl("/api/appeals/freude-schenken-2021/close");
            s.WithBearer(app.Token("treasurer"));
        });
        await Pledge(new { amountCents = 1000 }, 409);
        await AssertNoDonationsAsync();
    }

    [Fact]
    public async Task an_unknown_appeal_is_404()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 1000 }).ToUrl("/api/appeals/gibt-es-nicht/donations");
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_pledges_once()
    {
        var key = Guid.NewGuid().ToString();
        var first = await Pledge(SplitPledge(), 201, key);
        var second = await Pledge(SplitPledge(), 201, key);

        second.GetProperty("donationId").GetString().ShouldBe(first.GetProperty("donationId").GetString());
        second.GetProperty("donorUrl").GetString().ShouldBe(first.GetProperty("donorUrl").GetString());
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<DonationPledged>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);

        var other = await Pledge(new { amountCents = 1 }, 422, key);
        other.GetProperty("field").GetString().ShouldBe("Idempotency-Key");
    }

    [Fact]
    public async Task concurrent_retries_with_one_key_pledge_once()
    {
        var key = Guid.NewGuid().ToString();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.Host.Scenario(s =>
        {
            s.Post.Json(SplitPledge()).ToUrl(Url);
            s.WithRequestHeader("Idempotency-Key", key);
            s.IgnoreStatusCode();
        })));
        attempts.Select(a => a.Context.Response.StatusCode).ShouldAllBe(code => code == 201 || code == 409);
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<DonationPledged>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(1);
    }

    private async Task AssertNoDonationsAsync()
    {
        await using var session = app.Store.QuerySession();
        (await session.Events.QueryRawEventDataOnly<DonationPledged>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
        (await session.Query<FlutHilfe.Api.Infrastructure.PersonalData.SealedDonorProfile>().CountAsync(TestContext.Current.CancellationToken)).ShouldBe(0);
    }

    private Task<string> EventJsonAsync() => QueryTextAsync($"select coalesce(string_agg(data::text || headers::text, E'\\n'), '') from {app.Schema}.mt_events");

    private Task<string> DumpAsync() => QueryTextAsync(
        $"select coalesce((select string_agg(data::text, E'\\n') from {app.Schema}.mt_events), '') || coalesce((select string_agg(data::text, E'\\n') from {app.Schema}.mt_doc_donation), '')");

    private static async Task<string> QueryTextAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}

public class PledgeRateLimitFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Pledging:PledgesPerMinutePerClient"] = "3" };
}

public class PledgeRateLimitTests(PledgeRateLimitFixture app) : IClassFixture<PledgeRateLimitFixture>
{
    [Fact]
    public async Task pledges_beyond_the_limit_per_client_get_429_problem()
    {
        await app.OpenAppealAsync();
        for (var i = 0; i < 3; i++)
        {
            await app.Host.Scenario(s => { s.Post.Json(new { amountCents = 100 }).ToUrl("/api/appeals/freude-schenken-2021/donations"); s.StatusCodeShouldBe(201); });
        }
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 100 }).ToUrl("/api/appeals/freude-schenken-2021/donations");
            s.StatusCodeShouldBe(429);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }
}

public class ProxiedRateLimitFixture : AppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Pledging:PledgesPerMinutePerClient"] = "2",
        ["Proxy:KnownNetworks"] = "10.0.0.0/8",
    };
}

/// <summary>
/// Behind the reverse proxy (Proxy:KnownNetworks) the pledge limit counts each donor's forwarded address, not the proxy's;
/// a client that is not a known proxy cannot pick its address with X-Forwarded-For.
/// </summary>
public class ProxiedRateLimitTests(ProxiedRateLimitFixture app) : IClassFixture<ProxiedRateLimitFixture>
{
    private async Task PledgeAsync(string from, string? forwardedFor, int status)
        => await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 100 }).ToUrl("/api/appeals/freude-schenken-2021/donations");
            s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(from));
            if (forwardedFor is not null) s.WithRequestHeader("X-Forwarded-For", forwardedFor);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task the_limit_counts_the_donor_behind_a_known_proxy_and_ignores_the_header_from_anyone_else()
    {
        await app.OpenAppealAsync();
        // Two donors behind the proxy 10.0.0.5: each has its own two pledges a minute.
        await PledgeAsync("10.0.0.5", "203.0.113.1", 201);
        await PledgeAsync("10.0.0.5", "203.0.113.1", 201);
        await PledgeAsync("10.0.0.5", "203.0.113.1", 429);
        await PledgeAsync("10.0.0.5", "203.0.113.2", 201);

        // A client outside the proxy networks is counted by its own address, whatever it forwards.
        await PledgeAsync("198.51.100.7", "203.0.113.50", 201);
        await PledgeAsync("198.51.100.7", "203.0.113.51", 201);
        await PledgeAsync("198.51.100.7", "203.0.113.52", 429);
    }
}
