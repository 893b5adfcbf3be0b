using System.Text.Json;
using FlutHilfe.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace FlutHilfe.Api.Tests.ProofOfUse;

/// <summary>A host whose clock is set back into 2022/2023, so that deadlines can be met or missed.</summary>
public sealed class ProofOfUseFixture : AppFixture
{
    public ShiftableClock Clock { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    /// <summary>Sets the service's clock to noon UTC of <paramref name="day"/>.</summary>
    public void Today(DateOnly day)
    {
        Clock.Reset();
        Clock.Advance(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero) - DateTimeOffset.UtcNow);
    }
}

/// <summary>
/// The Verwendungsnachweis through the API: the clerk's declaration, lateness, the eligible window of spending, the
/// flags of the Belegliste in JSON, CSV and PDF, and a Belegliste that wraps between words. The demo appeal: disaster
/// on 14.07.2021, deadline 31.12.2022; the allocation is decided on 10.12.2021.
/// </summary>
public class ProofOfUseTests(ProofOfUseFixture app) : IClassFixture<ProofOfUseFixture>, IAsyncLifetime
{
    private static readonly DateOnly Deadline = new(2022, 12, 31);
    private static readonly object Declaration = new
    {
        usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true,
        place = "Stolberg (Rhld.)", date = "2022-02-28", signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin",
    };

    public async ValueTask InitializeAsync()
    {
        app.Today(new DateOnly(2022, 3, 1));
        await app.ResetAsync();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync()
    {
        app.Clock.Reset();
        return ValueTask.CompletedTask;
    }

    private string Treasurer => app.Token("treasurer");
    private string Stolberg => app.Token("municipality", "stolberg");

    private async Task<IScenarioResult> Send(string url, object body, string token, int status)
        => await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        });

    /// <summary>100 € for Stolberg's children's material, allocated on 10.12.2021; <paramref name="disbursedCents"/> transferred.</summary>
    private async Task<string> Allocation(long disbursedCents = 10_000)
    {
        var pledge = await app.PledgeAsync(new { amountCents = 10_000, earmarks = new[] { new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 10_000 } } });
        await app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            [new GeneratedCredit(10_000, new DateOnly(2021, 11, 20), StructuredReference: pledge.GetProperty("reference").GetString())]));
        var allocation = await (await Send("/api/appeals/freude-schenken-2021/allocations",
            new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 10_000, decisionReference = "SI/2021/088", decidedOn = "2021-12-10" }, Treasurer, 201))
            .ReadAsJsonAsync<JsonElement>();
        var id = allocation.GetProperty("allocationId").GetString()!;
        if (disbursedCents > 0) await Send($"/api/allocations/{id}/disbursements", new { amountCents = disbursedCents, paidOn = "2021-12-13", bankReference = "UEB-1" }, Treasurer, 200);
        return id;
    }

    private static object Item(string date, long cents, string voucher) => new
    {
        date, payee = "Spielwaren Becker GmbH", payeeIsOrganisation = true, reason = "Bastel- und Arbeitsmaterialien für die Kita", purposeId = "kita-schulmaterial",
        amountCents = cents, voucherNumber = voucher, facility = "Kita Sonnenschein",
    };

    private async Task<string> Problem(string url, object body, int status = 422)
        => (await (await Send(url, body, Stolberg, status)).ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString()!;

    private async Task<byte[]> Pdf(string id)
        => await (await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use.pdf"); s.WithBearer(app.Token("auditor")); s.StatusCodeShouldBeOk(); })).ReadAsBytesAsync();

    /// <summary>With FLUTHILFE_SAMPLE_DIR set, keeps the PDF and its PNG pages there to look at.</summary>
    private static async Task Keep(byte[] pdf, string name)
    {
        if (Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is { Length: > 0 }) await PdfLayout.RenderPagesAsync(pdf, PdfLayout.SampleDirectory("proof-of-use"), name);
    }

    [Fact]
    public async Task a_spending_date_is_in_the_future_by_the_german_calendar_day_not_the_utc_one()
    {
        var id = await Allocation();
        // 15.12.2021, 23:30 UTC is already 16.12. in Stolberg: today's date is accepted there.
        app.Clock.Reset();
        app.Clock.Advance(new DateTimeOffset(2021, 12, 15, 23, 30, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow);
        await Send($"/api/allocations/{id}/spending", Item("2021-12-16", 1_000, "STO-H1"), Stolberg, 201);
        // 15.12.2021, 12:00 UTC (13:00 in Stolberg): the 16th is tomorrow, refused at the date.
        app.Clock.Reset();
        app.Clock.Advance(new DateTimeOffset(2021, 12, 15, 12, 0, 0, TimeSpan.Zero) - DateTimeOffset.UtcNow);
        (await Problem($"/api/allocations/{id}/spending", Item("2021-12-16", 1_000, "STO-H2"))).ShouldBe("date");
        (await Problem($"/api/allocations/{id}/spending", Item("2021-12-17", 1_000, "STO-H3"))).ShouldBe("date");
    }

    [Fact]
    public async Task the_submission_carries_the_confirmed_declaration_and_the_pdf_prints_it_with_a_signature_line()
    {
        var id = await Allocation();
        await Send($"/api/allocations/{id}/spending", Item("2021-12-15", 1_999, "STO-1"), Stolberg, 201);
        var url = $"/api/allocations/{id}/proof-of-use";

        (await Problem(url, new { narrativeReport = "Bericht" })).ShouldBe("declaration");
        (await Problem(url, new { narrativeReport = "Bericht", declaration = new { usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, place = "Stolberg", date = "2022-02-28", signatoryName = "P. Schulz", signatoryFunction = "Kämmerin" } }))
            .ShouldBe("declaration.figuresAgreeWithBooks");
        (await Problem(url, new { narrativeReport = "Bericht", declaration = new { usedOnlyForPurpose = false, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true, place = "Stolberg", date = "2022-02-28", signatoryName = "P. Schulz", signatoryFunction = "Kämmerin" } }))
            .ShouldBe("declaration.usedOnlyForPurpose");
        (await Problem(url, new { narrativeReport = "Bericht", declaration = new { usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true, date = "2022-02-28", signatoryName = "P. Schulz", signatoryFunction = "Kämmerin" } }))
            .ShouldBe("declaration.place");
        (await app.Host.GetAsJsonAs(Stolberg, url)).GetProperty("status").GetString().ShouldBe("open");

        await Send(url, new { narrativeReport = "Material für die Kita Sonnenschein beschafft.", declaration = Declaration }, Stolberg, 200);
        var proof = await app.Host.GetAsJsonAs(Stolberg, url);
        proof.GetProperty("isOverdue").GetBoolean().ShouldBeFalse();
        var declaration = proof.GetProperty("declaration");
        (declaration.GetProperty("signatoryName").GetString(), declaration.GetProperty("signatoryFunction").GetString(), declaration.GetProperty("figuresAgreeWithBooks").GetBoolean())
            .ShouldBe(("Petra Schulz", "Kämmerin", true));

        var pdf = await Pdf(id);
        await Keep(pdf, "declaration");
        var text = string.Join(' ', PdfPages.Text(pdf));
        foreach (var expected in new[]
        {
            "3. Erklärung", "ausschließlich für den im Bewilligungsbeschluss bestimmten Zweck verwendet wurde",
            "notwendig waren und dass wirtschaftlich und sparsam verfahren wurde", "mit den Büchern und Belegen übereinstimmen",
            "Stolberg (Rhld.), 28.02.2022", "Petra Schulz", "Kämmerin", "(Unterschrift Petra Schulz, Kämmerin)",
        })
        {
            text.ShouldContain(expected, Case.Sensitive);
        }
        text.ShouldNotContain("Frist überschritten");
    }

    [Fact]
    public async Task a_proof_submitted_after_the_deadline_is_overdue_and_the_pdf_says_frist_ueberschritten()
    {
        var id = await Allocation();
        await Send($"/api/allocations/{id}/spending", Item("2021-12-15", 1_999, "STO-1"), Stolberg, 201);
        app.Today(Deadline.AddDays(32));
        await Send($"/api/allocations/{id}/proof-of-use", new { narrativeReport = "Spät, aber vollständig.", declaration = Declaration }, Stolberg, 200);

        (await app.Host.GetAsJsonAs(Stolberg, $"/api/allocations/{id}/proof-of-use")).GetProperty("isOverdue").GetBoolean().ShouldBeTrue();
        var pdf = await Pdf(id);
        await Keep(pdf, "overdue");
        var text = string.Join(' ', PdfPages.Text(pdf));
        text.ShouldContain("Frist überschritten: Der Verwendungsnachweis war bis zum 31.12.2022 vorzulegen und wurde erst am 01.02.2023 eingereicht");
    }

    [Fact]
    public async Task spending_outside_the_eligible_window_is_422_naming_the_date()
    {
        var id = await Allocation();
        app.Today(Deadline.AddDays(10));
        (await Problem($"/api/allocations/{id}/spending", Item("2021-07-13", 100, "A1"))).ShouldBe("date");
        (await Problem($"/api/allocations/{id}/spending", Item("2023-01-01", 100, "A2"))).ShouldBe("date");
        await Send($"/api/allocations/{id}/spending", Item("2021-07-14", 100, "A3"), Stolberg, 201);
        await Send($"/api/allocations/{id}/spending", Item("2022-12-31", 100, "A4"), Stolberg, 201);
    }

    [Fact]
    public async Task items_before_the_decision_or_on_money_not_yet_disbursed_are_accepted_and_flagged_in_json_csv_and_pdf()
    {
        var id = await Allocation(disbursedCents: 3_000);
        await Send($"/api/allocations/{id}/spending", Item("2021-11-30", 1_000, "STO-EARLY"), Stolberg, 201);
        await Send($"/api/allocations/{id}/spending", Item("2021-12-15", 2_500, "STO-PRE"), Stolberg, 201);

        var proof = await app.Host.GetAsJsonAs(Stolberg, $"/api/allocations/{id}/proof-of-use");
        proof.GetProperty("vouchers").EnumerateArray().Select(v => (v.GetProperty("voucherNumber").GetString(), v.GetProperty("beforeDecision").GetBoolean(), v.GetProperty("prefinanced").GetBoolean()))
            .ShouldBe([("STO-EARLY", true, false), ("STO-PRE", false, true)]);
        (proof.GetProperty("itemsBeforeDecision").GetInt32(), proof.GetProperty("itemsPrefinanced").GetInt32()).ShouldBe((1, 1));

        var csv = await (await app.Host.Scenario(s => { s.Get.Url($"/api/allocations/{id}/proof-of-use.csv"); s.WithBearer(Stolberg); s.StatusCodeShouldBeOk(); })).ReadAsTextAsync();
        csv.Split("\r\n").Single(l => l.Contains("STO-EARLY")).ShouldEndWith("ohne Beleg, vor Bewilligung");
        csv.Split("\r\n").Single(l => l.Contains("STO-PRE")).ShouldEndWith("ohne Beleg, vorfinanziert");

        var pdf = await Pdf(id);
        await Keep(pdf, "flags");
        var text = string.Join(' ', PdfPages.Text(pdf));
        text.ShouldContain("vor Bewilligung");
        text.ShouldContain("vorfinanziert");
        text.ShouldContain("vor der Bewilligung vom 10.12.2021 datiert");
    }

    [Fact]
    public async Task the_belegliste_wraps_between_words_and_stays_inside_its_margins()
    {
        var id = await Allocation();
        for (var i = 0; i < 3; i++) await Send($"/api/allocations/{id}/spending", Item($"2021-12-1{i}", 1_000 + i, $"STO-2021-00{i}"), Stolberg, 201);
        var pdf = await Pdf(id);

        // Words drawn in one piece: "Arbeitsmaterialien" (reason and purpose) is never cut into "Arbeitsmateriali" + "en".
        var words = PdfLayout.Words(pdf);
        words.ShouldContain("Arbeitsmaterialien");
        words.ShouldNotContain(w => w.StartsWith("Arbeitsmateriali", StringComparison.Ordinal) && w != "Arbeitsmaterialien");
        var margins = new Margins(36, 36, 30, 24);
        PdfLayout.Problems(pdf, margins).ShouldBeEmpty();
        var dir = PdfLayout.SampleDirectory("proof-of-use");
        foreach (var png in await PdfLayout.RenderPagesAsync(pdf, dir, "belegliste"))
        {
            PdfLayout.InkOutsideMargins(png, 80, margins).ShouldBe(0, png);
        }
        if (Environment.GetEnvironmentVariable("FLUTHILFE_SAMPLE_DIR") is not { Length: > 0 }) Directory.Delete(dir, recursive: true);
    }
}
