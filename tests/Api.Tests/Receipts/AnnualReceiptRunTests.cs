using System.Text.Json;
using FlutHilfe.Api.Receipts;
using FlutHilfe.Api.Receipts.AnnualRun;
using FlutHilfe.Api.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.TestSupport;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Receipts;

/// <summary>
/// The annual Sammelbestätigung run (issue 15): the preview per donor equals what the run issues; a second run issues
/// nothing; a gift already on a receipt is not on the collective one; donors merged count as one, undone as two; donors
/// without an address are listed as "cannot be issued"; a gift on a Sammelbestätigung refunded later (the donor's answer to
/// an earmark question) cancels it and one replacement states the gifts that stay.
/// </summary>
public class AnnualReceiptRunTests(ReceiptFixture app) : IClassFixture<ReceiptFixture>, IAsyncLifetime
{
    private const string Appeal = "/api/appeals/freude-schenken-2021";
    private static readonly DateOnly Day = new(2021, 11, 20);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public async ValueTask InitializeAsync()
    {
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        await app.OpenAppealAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Treasurer => app.Token("treasurer");

    private static object Donor(string name = "Jürgen Müller") =>
        new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE" };

    private async Task<(Guid Id, string Reference)> Pledge(long cents, object donor, bool receiptWanted = false)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, donor, receiptWanted });
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!);
    }

    private Task Pay(params (string Reference, long Cents, int Day)[] payments)
        => app.ImportAsync(CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            payments.Select(p => new GeneratedCredit(p.Cents, Day.AddDays(p.Day), StructuredReference: p.Reference)).ToList()));

    private async Task<JsonElement> Preview(int year = 2021) => await app.Host.GetAsJsonAs(Treasurer, $"{Appeal}/annual-receipts?year={year}");

    private async Task<JsonElement> Run(int year = 2021)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { year }).ToUrl($"{Appeal}/annual-receipts");
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(202);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<JsonElement> Completed(Guid runId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (true)
        {
            var run = await app.Host.GetAsJsonAs(Treasurer, $"/api/annual-receipt-runs/{runId}");
            if (run.GetProperty("complete").GetBoolean()) return run;
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task<JsonElement> Register() => await app.Host.GetAsJsonAs(app.Token("auditor"), $"/api/receipts?year={DateTimeOffset.UtcNow.Year}");

    private async Task<Guid> DonorOf(Guid donationId)
        => (await app.Host.GetAsJsonAs(Treasurer, $"/api/donations/{donationId}/donor-group")).GetProperty("donorIds")[0].GetGuid();

    private async Task Merge(Guid donor, Guid into, int status = 200)
        => await app.Host.Scenario(s =>
        {
            s.Post.Json(new { intoDonorId = into, reason = "Gleiche Person, zwei Zusagen" }).ToUrl($"/api/donors/{donor}/merge");
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(status);
        });

    [Fact]
    public async Task the_preview_equals_what_the_run_issues_and_a_second_run_issues_nothing()
    {
        var twice = await Pledge(5_000, Donor());
        var noAddress = await Pledge(4_000, new { name = "Nur Ein Name" });
        var once = await Pledge(700, Donor("Erika Mustermann"));
        await Pay((twice.Reference, 2_000, 0), (twice.Reference, 3_000, 10), (noAddress.Reference, 1_000, 0), (noAddress.Reference, 3_000, 1), (once.Reference, 700, 0));

        var preview = await Preview();
        var donor = preview.GetProperty("donors").EnumerateArray().ShouldHaveSingleItem();
        donor.GetProperty("gifts").GetInt32().ShouldBe(2);
        donor.GetProperty("totalCents").GetInt64().ShouldBe(5_000);
        var cannot = preview.GetProperty("cannotIssue").EnumerateArray().ShouldHaveSingleItem();
        cannot.GetProperty("totalCents").GetInt64().ShouldBe(4_000);
        cannot.GetProperty("reason").GetString()!.ShouldContain("Postanschrift");
        var totals = preview.GetProperty("totals");
        (totals.GetProperty("donors").GetInt32(), totals.GetProperty("gifts").GetInt32(), totals.GetProperty("totalCents").GetInt64()).ShouldBe((1, 2, 5_000L));

        var started = await Run();
        started.GetProperty("donorsPlanned").GetInt32().ShouldBe(1);
        started.GetProperty("totalPlannedCents").GetInt64().ShouldBe(5_000);
        var run = await Completed(started.GetProperty("runId").GetGuid());
        (run.GetProperty("receiptsIssued").GetInt32(), run.GetProperty("giftsIssued").GetInt32(), run.GetProperty("totalIssuedCents").GetInt64())
            .ShouldBe((1, 2, 5_000L));
        var number = run.GetProperty("numbers")[0].GetString()!;

        // The treasury page's form sent twice (its own run id): started once, nothing planned again.
        var runId = started.GetProperty("runId").GetGuid();
        using (var scope = app.Host.Services.CreateScope())
        {
            var resent = await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<AnnualReceiptRunView>(
                new RunAnnualReceipts(runId, Requests.AppealId, 2021, "treasurer", DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
            resent.ShouldSatisfyAllConditions(r => r.RunId.ShouldBe(runId), r => r.DonorsPlanned.ShouldBe(1), r => r.Complete.ShouldBeTrue());
            await using var session = scope.ServiceProvider.GetRequiredService<Marten.IDocumentStore>().QuerySession();
            (await session.Events.FetchStreamAsync(runId, token: TestContext.Current.CancellationToken))
                .Count(e => e.Data is Domain.Receipts.AnnualReceiptRunStarted).ShouldBe(1);
        }

        // The annex lists each gift; its total equals the receipt's.
        var pages = PdfPages.Text(await (await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf"); s.WithBearer(Treasurer); })).ReadAsBytesAsync());
        pages[0].ShouldContain("Sammelbestätigung über Geldzuwendungen");
        pages[0].ShouldContain("50,00 €");
        pages[0].ShouldContain("01.01.2021");
        pages[0].ShouldContain("31.12.2021");
        pages[1].ShouldContain("20,00 €");
        pages[1].ShouldContain("30,00 €");
        pages[1].ShouldContain("Gesamtsumme");
        pages[1].Split("50,00 €").Length.ShouldBe(2, pages[1]);

        // The donor's message delivered again (a crash after the commit, before the acknowledgement), even under another run:
        // the gifts are covered now, so nothing is issued twice.
        var donorId = donor.GetProperty("donorId").GetGuid();
        using (var scope = app.Host.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(
                new IssueAnnualReceipt(Guid.NewGuid(), Requests.AppealId, 2021, donorId, [twice.Id], donorId), TestContext.Current.CancellationToken);
        (await Register()).GetProperty("issued").GetInt32().ShouldBe(1);

        var again = await Run();
        again.GetProperty("donorsPlanned").GetInt32().ShouldBe(0);
        (await Completed(again.GetProperty("runId").GetGuid())).GetProperty("receiptsIssued").GetInt32().ShouldBe(0);
        (await Preview()).GetProperty("donors").GetArrayLength().ShouldBe(0);
        (await Register()).GetProperty("issued").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task merged_donors_get_one_receipt_without_the_gift_already_receipted_and_undone_they_are_two_again()
    {
        var receipted = await Pledge(2_500, Donor(), receiptWanted: true);
        var second = await Pledge(600, Donor());
        var third = await Pledge(400, Donor());
        await Pay((receipted.Reference, 2_500, 0), (second.Reference, 600, 1), (third.Reference, 400, 2));
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            timeout.CancelAfter(Timeout);
            while ((await Register()).GetProperty("issued").GetInt32() < 1) await Task.Delay(100, timeout.Token);
        }
        (await Preview()).GetProperty("donors").GetArrayLength().ShouldBe(0, "three records of one gift each are three donors");

        var (a, b, c) = (await DonorOf(receipted.Id), await DonorOf(second.Id), await DonorOf(third.Id));
        await Merge(b, a);
        await Merge(c, a);
        var merged = (await Preview()).GetProperty("donors").EnumerateArray().ShouldHaveSingleItem();
        merged.GetProperty("donorId").GetGuid().ShouldBe(a);
        merged.GetProperty("donorIds").GetArrayLength().ShouldBe(3);
        (merged.GetProperty("gifts").GetInt32(), merged.GetProperty("totalCents").GetInt64()).ShouldBe((2, 1_000L), "the receipted gift is not on it");

        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { reason = "Doch zwei Personen" }).ToUrl($"/api/donors/{c}/merge/undo");
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(200);
        });
        (await Preview()).GetProperty("donors").GetArrayLength().ShouldBe(0, "undone: a's group has one open gift, c's another");

        await Merge(c, a);
        var run = await Completed((await Run()).GetProperty("runId").GetGuid());
        run.GetProperty("totalIssuedCents").GetInt64().ShouldBe(1_000);
        var number = run.GetProperty("numbers")[0].GetString()!;
        var annex = PdfPages.Text(await (await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{number}.pdf"); s.WithBearer(Treasurer); })).ReadAsBytesAsync())[1];
        annex.ShouldContain("6,00 €");
        annex.ShouldContain("4,00 €");
        annex.ShouldNotContain("25,00 €");
        (await Register()).GetProperty("issued").GetInt32().ShouldBe(2);
    }

    /// <summary>A pledge earmarked for Stolberg (so an earmark decision can ask about it), with the donor link's token.</summary>
    private async Task<(Guid Id, string Reference, string Token)> PledgeToStolberg(long cents, object donor)
    {
        var pledge = await app.PledgeAsync(new { amountCents = cents, donor, earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } } });
        return (pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!,
            Uri.UnescapeDataString(pledge.GetProperty("donorUrl").GetString()!.Split("token=")[1]));
    }

    /// <summary>Sends a request and waits for everything it set off (outbox messages, receipts, their mails).</summary>
    private async Task<JsonElement> Tracked(Func<Task<JsonElement>> request)
    {
        JsonElement answer = default;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => answer = await request()));
        return answer;
    }

    private async Task<IReadOnlyList<Receipt>> Receipts()
    {
        await using var session = app.Store.QuerySession();
        return (await session.Query<Receipt>().ToListAsync(TestContext.Current.CancellationToken)).OrderBy(r => r.Sequence).ToList();
    }

    private async Task<int> MailsFor(string number, int atLeast)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        int Count() => app.Smtp.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
            .Count(m => m.Subject?.Contains(number, StringComparison.Ordinal) == true);
        while (Count() < atLeast) await Task.Delay(100, timeout.Token);
        await Task.Delay(500, timeout.Token); // a second mail would come right behind the first
        return Count();
    }

    [Fact]
    public async Task a_refunded_gift_cancels_the_sammelbestaetigung_and_one_gapless_replacement_states_the_gifts_that_stay_exactly_once()
    {
        var donor = new { name = "Jürgen Müller", street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email = "jm@example.org" };
        var first = await PledgeToStolberg(5_000, donor);
        var second = await PledgeToStolberg(4_000, donor);
        await Pay((first.Reference, 2_000, 0), (first.Reference, 3_000, 10), (second.Reference, 4_000, 20));
        await Merge(await DonorOf(second.Id), await DonorOf(first.Id));
        var run = await Completed((await Run()).GetProperty("runId").GetGuid());
        (run.GetProperty("giftsIssued").GetInt32(), run.GetProperty("totalIssuedCents").GetInt64()).ShouldBe((3, 9_000L));
        var annual = run.GetProperty("numbers")[0].GetString()!;
        (await MailsFor(annual, 1)).ShouldBe(1);

        // Stolberg declines 25 €: the donation paid last is asked, and its donor wants the money back.
        var decision = (await Tracked(async () => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { municipalityId = "stolberg", amountCents = 2_500, reason = "Die Kommune lehnt die Mittel ab." }).ToUrl($"{Appeal}/earmark-decisions");
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(201);
        })).ReadAsJsonAsync<JsonElement>())).GetProperty("decisionId").GetGuid();
        Task<JsonElement> Answer() => Tracked(async () => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(new { choice = "refund", iban = "DE89 3704 0044 0532 0130 00", accountHolder = "Jürgen Müller" }).ToUrl($"/api/donations/{second.Id}/earmark-questions/{decision}").QueryString("token", second.Token);
            s.StatusCodeShouldBe(200);
        })).ReadAsJsonAsync<JsonElement>());
        await Answer();
        // The answer alone (its outbox message) cancels the Sammelbestätigung and issues the replacement.
        var afterAnswer = await Receipts();
        afterAnswer.Select(r => (r.Number, r.State, r.Amount.Cents, r.ReplacesNumber))
            .ShouldBe([(annual, ReceiptState.Cancelled, 9_000L, null), (afterAnswer[^1].Number, ReceiptState.Valid, 6_500L, annual)]);
        afterAnswer[0].CancellationReason.ShouldBe(ReceiptTriggers.RefundReason);

        // The same answer again, and the outbox's cancellation delivered a second time: nothing more is cancelled or issued.
        await Answer();
        using (var scope = app.Host.Services.CreateScope())
            await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await scope.ServiceProvider.GetRequiredService<IMessageBus>()
                .InvokeAsync(new CancelVoidedReceipt(annual, ReceiptTriggers.RefundReason, true, true))));

        var receipts = await Receipts();
        receipts.Select(r => (r.Number, r.State, r.Amount.Cents)).ShouldBe(afterAnswer.Select(r => (r.Number, r.State, r.Amount.Cents)));
        var replacement = receipts[1];
        replacement.ShouldSatisfyAllConditions(
            r => r.ReplacesNumber.ShouldBe(annual),
            r => r.Kind.ShouldBe(ReceiptKind.Collective),
            r => (r.PeriodFrom, r.PeriodTo).ShouldBe((new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31)), "still the year's Sammelbestätigung"),
            r => r.Lines.Select(l => l.Amount.Cents).Order().ToArray().ShouldBe(new[] { 1_500L, 2_000L, 3_000L }, "the refunded 25 € are no gift"),
            r => r.Lines.Sum(l => l.Amount.Cents).ShouldBe(r.Amount.Cents, "annex total = receipt total"));
        int Serial(string number) => int.Parse(number.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        (replacement.Number.Split('-')[0], Serial(replacement.Number)).ShouldBe((annual.Split('-')[0], Serial(annual) + 1), "gapless: the next number");
        (await MailsFor(replacement.Number, 1)).ShouldBe(1, "the replacement is mailed once");

        var pages = PdfPages.Text(await (await app.Host.Scenario(s => { s.Get.Url($"/api/receipts/{replacement.Number}.pdf"); s.WithBearer(Treasurer); })).ReadAsBytesAsync());
        pages[0].ShouldContain("Sammelbestätigung über Geldzuwendungen");
        pages[0].ShouldContain("65,00 €");
        pages[1].ShouldContain("15,00 €");
        pages[1].ShouldNotContain("40,00 €");

        // The year is done: a further run finds nothing (the gifts that stay are on the replacement, the refund is no gift).
        var again = await Run();
        again.GetProperty("donorsPlanned").GetInt32().ShouldBe(0);
        (await Receipts()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task bad_input_is_a_problem_naming_the_field()
    {
        async Task Problem(Action<Scenario> request, int status, string? field)
        {
            var result = await app.Host.Scenario(s => { request(s); s.WithBearer(Treasurer); s.StatusCodeShouldBe(status); });
            if (field is not null) (await result.ReadAsJsonAsync<JsonElement>()).GetProperty("field").GetString().ShouldBe(field);
        }
        await Problem(s => s.Post.Json(new { year = DateTimeOffset.UtcNow.Year }).ToUrl($"{Appeal}/annual-receipts"), 422, "year");
        await Problem(s => s.Post.Json(new { year = 1999 }).ToUrl($"{Appeal}/annual-receipts"), 422, "year");
        await Problem(s => s.Post.Json(new { }).ToUrl($"{Appeal}/annual-receipts"), 422, "year");
        await Problem(s => s.Get.Url($"{Appeal}/annual-receipts"), 422, "year");
        await Problem(s => s.Get.Url("/api/appeals/gibt-es-nicht/annual-receipts?year=2021"), 404, null);
        await Problem(s => s.Get.Url($"/api/annual-receipt-runs/{Guid.NewGuid()}"), 404, null);
        await app.Host.Scenario(s =>
        {
            s.Post.Json(new { year = 2021 }).ToUrl($"{Appeal}/annual-receipts");
            s.WithBearer(app.Token("auditor"));
            s.StatusCodeShouldBe(403);
        });
    }
}
