using System.Text;
using System.Text.Json;
using FlutHilfe.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlutHilfe.Api.Tests.Hostile;

public sealed class LoggedFixture : AppFixture
{
    private World? _world;

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(Logs);

    /// <summary>Seeded once for the class: the tests refuse input, so the world stays as it was.</summary>
    public async Task<World> WorldAsync()
    {
        if (_world is null)
        {
            await ResetAsync();
            _world = await WorldSeeding.SeedAsync(this);
        }
        return _world;
    }
}

/// <summary>
/// The inputs a review found answering 500 (and the other strict-input rules), each as a named regression test:
/// a problem naming the field, no .NET type names, no error logged, nothing stored.
/// </summary>
public class KnownHostileInputTests(LoggedFixture app) : IClassFixture<LoggedFixture>, IAsyncLifetime
{
    private World _world = null!;

    public async ValueTask InitializeAsync() => _world = await app.WorldAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Allocation => _world.RouteValues["allocationId"][0];
    private string Payment => _world.RouteValues["paymentId"][0];

    public static TheoryData<string, string, string, string, int, string> JsonInputs => new()
    {
        // name, role, url, body, status, field
        { "a null body", "", "/api/appeals/freude-schenken-2021/donations", "null", 422, "body" },
        { "a null earmark", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":100,"earmarks":[null]}""", 422, "earmarks[0]" },
        { "two earmarks of long.MaxValue", "", "/api/appeals/freude-schenken-2021/donations",
            """{"amountCents":5000,"earmarks":[{"amountCents":9223372036854775807},{"municipalityId":"stolberg","amountCents":9223372036854775807}]}""", 422, "earmarks[0].amountCents" },
        { "an amount as a string", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":"5000"}""", 422, "amountCents" },
        { "a fraction of a cent", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":50.5}""", 422, "amountCents" },
        { "true as an amount", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":true}""", 422, "amountCents" },
        { "a duplicate property", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":1,"amountCents":100000}""", 422, "amountCents" },
        { "malformed JSON", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":5000""", 400, "body" },
        { "null for a flag", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":5000,"receiptWanted":null}""", 422, "receiptWanted" },
        { "a null purpose", "treasurer", "/api/appeals", """{"appealId":"x","purposes":[null],"municipalities":[]}""", 422, "purposes[0]" },
        { "a null municipality", "treasurer", "/api/appeals", """{"appealId":"x","purposes":[],"municipalities":[null]}""", 422, "municipalities[0]" },
        { "a null source fund", "treasurer", "/api/appeals/freude-schenken-2021/allocations",
            """{"municipalityId":"stolberg","amountCents":100,"decisionReference":"SI/1","decidedOn":"2021-12-10","sourceFunds":[null]}""", 422, "sourceFunds[0]" },
        { "a null donation id", "treasurer", "/api/receipts/collective", """{"donationIds":[null],"from":"2021-01-01","to":"2021-12-31"}""", 422, "donationIds[0]" },
        { "the empty UUID as a donation", "treasurer", "/api/receipts/collective",
            """{"donationIds":["00000000-0000-0000-0000-000000000000"],"from":"2021-01-01","to":"2021-12-31"}""", 422, "donationIds[0]" },
        { "a null body on a receipt request", "", "/api/donations/{donation}/receipt", "null", 422, "body" },
        { "a street with a line break", "", "/api/appeals/freude-schenken-2021/donations",
            """{"amountCents":5000,"receiptWanted":true,"donor":{"name":"A B","street":"Kaiserplatz 1\r\nZweite Zeile","postalCode":"52062","city":"Aachen"}}""", 422, "donor.street" },
        { "a name with a tab", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":5000,"donor":{"name":"A\tB"}}""", 422, "donor.name" },
        { "a city with a line separator", "", "/api/appeals/freude-schenken-2021/donations", """{"amountCents":5000,"donor":{"city":"Aachen\u2028Köln"}}""", 422, "donor.city" },
        { "a decision reference with a line break", "treasurer", "/api/appeals/freude-schenken-2021/allocations",
            """{"municipalityId":"stolberg","amountCents":100,"decisionReference":"SI/1\nSI/2","decidedOn":"2021-12-10"}""", 422, "decisionReference" },
    };

    [Theory]
    [MemberData(nameof(JsonInputs))]
    public async Task json_that_answered_500_or_was_accepted_is_a_problem_naming_the_field(string name, string role, string url, string body, int status, string field)
    {
        var before = await new HostileRun(app, _world).FingerprintAsync();
        app.Logs.Entries.Clear();
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl(url.Replace("{donation}", _world.RouteValues["donationId"][0], StringComparison.Ordinal));
            s.WithRequestHeader("Content-Type", "application/json");
            if (role.Length > 0) s.WithBearer(app.Token(role));
            s.StatusCodeShouldBe(status);
            s.ContentTypeShouldBe("application/problem+json");
        });

        var problem = await result.ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe(field, name);
        var detail = problem.GetProperty("detail").GetString()!;
        detail.ShouldNotContain("System.", Case.Sensitive, name);
        detail.ShouldNotContain("FlutHilfe.", Case.Sensitive, name);
        detail.ShouldNotContain("Nullable", Case.Sensitive, name);
        app.Logs.Entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ShouldBeEmpty(name);
        (await new HostileRun(app, _world).FingerprintAsync()).ShouldBe(before, name);
    }

    public static TheoryData<string, string, string, string, string> ClerkAndTreasurerInputs => new()
    {
        { "spending of long.MaxValue", "municipality", "spending",
            """{"date":"2021-12-15","payee":"X","reason":"Y","purposeId":"kita-schulmaterial","amountCents":9223372036854775807,"voucherNumber":"V-9"}""", "amountCents" },
        { "a disbursement of long.MaxValue", "treasurer", "disbursements", """{"amountCents":9223372036854775807,"paidOn":"2021-12-20","bankReference":"B-1"}""", "amountCents" },
        { "a return of long.MinValue", "treasurer", "returns", """{"amountCents":-9223372036854775808,"returnedOn":"2021-12-20","bankReference":"B-1"}""", "amountCents" },
    };

    [Theory]
    [MemberData(nameof(ClerkAndTreasurerInputs))]
    public async Task amounts_beyond_one_transfer_are_refused_before_any_sum_can_overflow(string name, string role, string action, string body, string field)
    {
        var before = await new HostileRun(app, _world).FingerprintAsync();
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Text(body).ToUrl($"/api/allocations/{Allocation}/{action}");
            s.WithRequestHeader("Content-Type", "application/json");
            s.WithBearer(app.Token(role, role == "municipality" ? "stolberg" : null));
            s.StatusCodeShouldBe(422);
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field, name);
        (await new HostileRun(app, _world).FingerprintAsync()).ShouldBe(before, name);
    }

    [Fact]
    public async Task a_refusal_decided_by_a_command_handler_is_a_problem_and_neither_an_error_nor_personal_data_in_the_log()
    {
        var before = await new HostileRun(app, _world).FingerprintAsync();
        app.Logs.Entries.Clear();
        // Both pass the edge; the deciders refuse them inside the command handlers, which run in process (InvokeAsync).
        var pledge = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { amountCents = 5000, receiptWanted = true, donor = new { name = "Erika Mustermann", email = "erika@example.org" } })
                .ToUrl("/api/appeals/freude-schenken-2021/donations");
            s.StatusCodeShouldBe(422);
            s.ContentTypeShouldBe("application/problem+json");
        })).ReadAsJsonAsync<JsonElement>();
        pledge.GetProperty("field").GetString().ShouldBe("donor");
        var match = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationId = Guid.CreateVersion7() }).ToUrl($"/api/payments/{Payment}/match");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(422);
        })).ReadAsJsonAsync<JsonElement>();
        match.GetProperty("field").GetString().ShouldBe("donationId");

        app.Logs.Entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ShouldBeEmpty();
        app.Logs.Entries.ShouldNotContain(e => e.Message.Contains("Mustermann", StringComparison.Ordinal) || e.Message.Contains("erika@", StringComparison.Ordinal));
        (await new HostileRun(app, _world).FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_statement_whose_credits_overflow_is_refused_naming_the_entry()
    {
        var before = await new HostileRun(app, _world).FingerprintAsync();
        var statement = HostileRequests.ZeroBalances(CamtWriter.Write053v08("H-1", Requests.AppealIban,
            Enumerable.Range(0, 100).Select(i => new GeneratedCredit(99_999_999_999_999_999, new DateOnly(2021, 11, 20), UnstructuredRemittance: $"S{i}")).ToList()));

        var problem = await (await app.PostStatementAsync(statement, status: 422)).ReadAsJsonAsync<JsonElement>();

        problem.GetProperty("field").GetString().ShouldBe("statement.xml!Stmt[1]/Ntry[1]/Amt");
        (await new HostileRun(app, _world).FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_zip_holding_one_new_statement_twice_books_it_once()
    {
        var statement = CamtWriter.Write053v08("Z-1", Requests.AppealIban, [new GeneratedCredit(4_321, new DateOnly(2021, 11, 22), UnstructuredRemittance: "zweimal")]);

        var result = await app.ImportAsync(HostileRequests.Zip(("a.xml", statement), ("b.xml", statement)), "application/zip");

        result.GetProperty("unmatched").GetInt32().ShouldBe(1);
        result.GetProperty("duplicates").GetInt32().ShouldBe(1);
        result.GetProperty("creditedCents").GetInt64().ShouldBe(4_321);
        var unmatched = await app.Host.GetAsJsonAs(app.Token("treasurer"), "/api/payments/unmatched");
        unmatched.EnumerateArray().Count(p => p.GetProperty("amountCents").GetInt64() == 4_321).ShouldBe(1);
    }

    [Fact]
    public async Task the_empty_uuid_in_a_route_is_404_not_500()
    {
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationId = _world.DonationIds[0] }).ToUrl("/api/payments/00000000-0000-0000-0000-000000000000/match");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(404);
            s.ContentTypeShouldBe("application/problem+json");
        });
        var problem = await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { donationId = Guid.Empty }).ToUrl($"/api/payments/{Payment}/match");
            s.WithBearer(app.Token("treasurer"));
            s.StatusCodeShouldBe(422);
        })).ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe("donationId");
    }

    [Fact]
    public async Task an_unparseable_query_value_is_400_naming_the_parameter()
    {
        var problem = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/api/receipts?year=abc");
            s.WithBearer(app.Token("auditor"));
            s.StatusCodeShouldBe(400);
            s.ContentTypeShouldBe("application/problem+json");
        })).ReadAsJsonAsync<JsonElement>();
        problem.GetProperty("field").GetString().ShouldBe("year");
        problem.GetProperty("detail").GetString()!.ShouldNotContain("Int32");
    }

    [Theory]
    [InlineData("")]
    [InlineData("treasurer")]
    public async Task a_wrong_content_type_is_415_for_anonymous_and_signed_in_callers_alike(string role)
    {
        var body = Encoding.UTF8.GetBytes("""{"amountCents":5000}""");
        var result = await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/appeals/freude-schenken-2021/donations");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(body);
                c.Request.ContentLength = body.Length;
                c.Request.ContentType = "text/plain";
            });
            if (role.Length > 0) s.WithBearer(app.Token(role));
            s.StatusCodeShouldBe(415);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe("Content-Type");
    }
}
