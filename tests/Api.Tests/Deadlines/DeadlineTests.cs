using System.Text;
using System.Text.Json;
using FlutHilfe.Api.Deadlines;
using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations.Reminding;
using FlutHilfe.Api.Receipts.Offering;
using FlutHilfe.Domain.Receipts.Offering;
using FlutHilfe.TestSupport;
using JasperFx.Events.Daemon;
using Marten;
using Marten.Events;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.Deadlines;

/// <summary>
/// Deadlines and reminders through the API on PostgreSQL, with the clock moved by hand and the sweep run by hand: unpaid
/// pledges are reminded on day 10 and expire on day 60, proof-of-use deadlines remind the clerks 4 weeks and 1 week
/// before and tell the treasury the day after; each step once, none when paid or submitted.
/// </summary>
public class DeadlineTests(DeadlineFixture app) : IClassFixture<DeadlineFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string Appeal = "/api/appeals/freude-schenken-2021";

    public async ValueTask InitializeAsync()
    {
        app.ResetClock();
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        await Send("/api/appeals", Requests.OpenAppeal(), app.TokenNow("treasurer"), 201);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record Pledged(Guid Id, string Reference, string DonorUrl);

    private async Task<JsonElement> Send(string url, object body, string? token, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (token is not null) s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<Pledged> Pledge(long cents, string? email, string? municipality = "stolberg", string name = "Jürgen Müller")
    {
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents,
            earmarks = municipality is null ? null : new[] { new { municipalityId = municipality, amountCents = cents } },
            donor = new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email },
        });
        return new(pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!, pledge.GetProperty("donorUrl").GetString()!);
    }

    private async Task Pay(Pledged p, long cents, DateOnly? booked = null)
    {
        var xml = CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            [new GeneratedCredit(cents, booked ?? Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()), StructuredReference: p.Reference)]);
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/bank-statements");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(xml);
                c.Request.ContentLength = xml.Length;
                c.Request.ContentType = "application/xml";
            });
            s.WithBearer(app.TokenNow("treasurer"));
            s.StatusCodeShouldBe(200);
        })));
    }

    /// <summary>Moves the clock to the start (10:00 in Aachen) plus whole days.</summary>
    private void Day(int days) => app.Clock.SetUtcNow(DeadlineFixture.Start.AddDays(days));

    private void On(DateOnly day) => app.Clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(10, 0)), TimeSpan.FromHours(1)));

    /// <summary>What the periodic sweep does, once, and every message it set off (facts, mails) handled.</summary>
    private async Task<SweepResult> Sweep()
    {
        SweepResult? result = null;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus => result = await bus.InvokeAsync<SweepResult>(new SweepDeadlines())));
        return result!;
    }

    private async Task<IReadOnlyList<T>> Facts<T>() where T : notnull
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().ToListAsync(TestContext.Current.CancellationToken);
    }

    private IReadOnlyList<MimeMessage> Mails()
        => app.Smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToList();

    private static string Body(MimeMessage mail) => mail.TextBody ?? "";

    /// <summary>The token of the donor link a mail carries for <paramref name="donationId"/> (on the configured PublicBaseUrl).</summary>
    public static string MailedToken(MimeMessage mail, Guid donationId)
    {
        var match = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", $@"https://spenden\.example\.org/spenden/{donationId}\?token=(\S+)");
        match.Success.ShouldBeTrue($"no donor link in: {mail.TextBody}");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    private async Task<JsonElement> Totals() => await app.Host.GetAsJson<JsonElement>($"{Appeal}/totals");

    // ----- unpaid pledges -----

    [Fact]
    public async Task an_unpaid_pledge_is_reminded_on_day_10_not_day_9_once_with_the_transfer_data_and_the_girocode_again()
    {
        var mailed = await Pledge(123_456, "jm@example.org");
        var silent = await Pledge(5_000, email: null, name: "Erika Mustermann");

        Day(9);
        (await Sweep()).PledgeReminders.ShouldBe(0);
        (await Facts<UnpaidPledgeReminded>()).ShouldBeEmpty();
        app.Smtp.ReceivedEmailCount.ShouldBe(0);

        Day(10);
        (await Sweep()).PledgeReminders.ShouldBe(2);
        var facts = await Facts<UnpaidPledgeReminded>();
        facts.Count.ShouldBe(2);
        facts.Single(f => f.DonationId == mailed.Id).ShouldSatisfyAllConditions(f => f.Mailed.ShouldBeTrue(), f => f.DueOn.ShouldBe(new DateOnly(2022, 10, 13)));
        facts.Single(f => f.DonationId == silent.Id).Mailed.ShouldBeFalse("no e-mail address was given");

        var mail = Mails().ShouldHaveSingleItem();
        mail.To.Mailboxes.Single().Address.ShouldBe("jm@example.org");
        mail.Subject.ShouldBe("Erinnerung: Ihre Spendenzusage über 1.234,56 € für „Freude schenken“");
        var text = mail.TextBody ?? "";
        foreach (var expected in new[]
                 {
                     "Guten Tag Jürgen Müller,", "am 03.10.2022 haben Sie uns eine Spende über 1.234,56 € für „Freude schenken“ zugesagt",
                     "Empfänger:          Region Aachen Zweckverband", "IBAN:               DE89 3704 0044 0532 0130 00", "Betrag:             1.234,56 €",
                     "verfällt die Zusage am 02.12.2022", "Mit freundlichen Grüßen",
                 })
        {
            text.ShouldContain(expected, Case.Sensitive, $"missing '{expected}' in: {text}");
        }
        text.ShouldContain(Domain.Shared.CreditorReference.Parse(mailed.Reference).ToPrintString());
        var png = mail.Attachments.OfType<MimePart>().ShouldHaveSingleItem();
        png.ContentType.MimeType.ShouldBe("image/png");
        using var content = new MemoryStream();
        await png.Content.ShouldNotBeNull().DecodeToAsync(content, TestContext.Current.CancellationToken);
        var payload = QrDecoder.Decode(content.ToArray()).ShouldNotBeNull();
        payload.ShouldBe((await app.Host.GetAsJson<JsonElement>(mailed.DonorUrl)).GetProperty("epcPayload").GetString());
        // The mail carries a donor link of its own, valid 60 days from the day it was sent, which opens the same donation.
        text.ShouldContain($"Ihre Spende und alle Angaben zur Überweisung: https://spenden.example.org/spenden/{mailed.Id}?token=m1.20221212.", Case.Sensitive);
        text.ShouldContain("(gültig bis 12.12.2022;", Case.Sensitive);
        var linked = await app.Host.GetAsJson<JsonElement>($"/api/donations/{mailed.Id}?token={Uri.EscapeDataString(MailedToken(mail, mailed.Id))}");
        linked.GetProperty("epcPayload").GetString().ShouldBe(payload);

        // A second sweep, and the next days until expiry: nothing more.
        (await Sweep()).PledgeReminders.ShouldBe(0);
        Day(30);
        await Sweep();
        (await Facts<UnpaidPledgeReminded>()).Count.ShouldBe(2);
        app.Smtp.ReceivedEmailCount.ShouldBe(1);
    }

    [Fact]
    public async Task a_paid_or_partly_paid_pledge_is_never_reminded_nor_expired()
    {
        var paid = await Pledge(5_000, "bezahlt@example.org");
        var partly = await Pledge(5_000, "teilweise@example.org");
        await Pay(paid, 5_000);
        await Pay(partly, 1_000);

        Day(10);
        (await Sweep()).PledgeReminders.ShouldBe(0);
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus =>
        {
            // Even a message delivered by hand (as a sweep on a node with stale data would) decides nothing.
            await bus.InvokeAsync(new SendPledgeReminder(paid.Id));
            await bus.InvokeAsync(new SendPledgeReminder(partly.Id));
        }));
        Day(60);
        await Sweep();
        (await Facts<UnpaidPledgeReminded>()).ShouldBeEmpty();
        (await Facts<PledgeExpired>()).ShouldBeEmpty();
        app.Smtp.ReceivedEmailCount.ShouldBe(0);
    }

    [Fact]
    public async Task an_unpaid_pledge_expires_on_day_60_leaves_the_pledged_figures_and_money_arriving_later_is_still_booked()
    {
        var late = await Pledge(5_000, email: null);
        var paid = await Pledge(2_000, email: null);
        await Pay(paid, 2_000);
        await app.CatchUpAsync();
        (await Totals()).GetProperty("pledgedCents").GetInt64().ShouldBe(7_000);

        Day(59);
        (await Sweep()).PledgeExpiries.ShouldBe(0);
        (await Facts<PledgeExpired>()).ShouldBeEmpty();

        Day(60);
        (await Sweep()).PledgeExpiries.ShouldBe(1);
        var expired = (await Facts<PledgeExpired>()).ShouldHaveSingleItem();
        (expired.DonationId, expired.Amount.Cents, expired.DueOn).ShouldBe((late.Id, 5_000L, new DateOnly(2022, 12, 2)));
        await app.CatchUpAsync();
        var totals = await Totals();
        (totals.GetProperty("pledgedCents").GetInt64(), totals.GetProperty("pledges").GetInt32(), totals.GetProperty("receivedCents").GetInt64())
            .ShouldBe((2_000L, 1, 2_000L));
        (await app.Host.GetAsJson<JsonElement>(late.DonorUrl)).GetProperty("status").GetString().ShouldBe("expired");
        var unpaid = await app.Host.GetAsJsonAs(app.TokenNow("treasurer"), $"{Appeal}/donations?balance=unpaid");
        unpaid.GetProperty("items").GetArrayLength().ShouldBe(0);
        (await Sweep()).PledgeExpiries.ShouldBe(0);
        (await Facts<PledgeExpired>()).Count.ShouldBe(1);

        // The money still comes: booked on the donation, which counts as paid and as pledged again.
        Day(75);
        await Pay(late, 5_000);
        await app.CatchUpAsync();
        (await Facts<ExpiredPledgePaid>()).ShouldHaveSingleItem().DonationId.ShouldBe(late.Id);
        var view = await app.Host.GetAsJson<JsonElement>(late.DonorUrl);
        (view.GetProperty("status").GetString(), view.GetProperty("receivedCents").GetInt64()).ShouldBe(("paid", 5_000L));
        totals = await Totals();
        (totals.GetProperty("pledgedCents").GetInt64(), totals.GetProperty("pledges").GetInt32(), totals.GetProperty("receivedCents").GetInt64())
            .ShouldBe((7_000L, 2, 7_000L));
        // The figures as they stood between expiry and the late payment stay replayable by business date.
        var between = await app.Host.GetAsJson<JsonElement>($"{Appeal}/totals?effectiveOn=2022-12-10");
        (between.GetProperty("pledgedCents").GetInt64(), between.GetProperty("receivedCents").GetInt64()).ShouldBe((2_000L, 2_000L));
        (await app.Host.GetAsJson<JsonElement>($"{Appeal}/totals?effectiveOn=2022-12-01")).GetProperty("pledgedCents").GetInt64().ShouldBe(7_000);
    }

    [Fact]
    public async Task a_reminder_handled_early_or_twice_at_once_decides_once_and_mails_once()
    {
        var p = await Pledge(5_000, "zweimal@example.org");
        Day(5);
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(bus => bus.InvokeAsync(new SendPledgeReminder(p.Id))));
        (await Facts<UnpaidPledgeReminded>()).ShouldBeEmpty();

        Day(10);
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ =>
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                using var scope = app.Host.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new SendPledgeReminder(p.Id));
            })));
        }));
        await WaitForMails(1);
        (await Facts<UnpaidPledgeReminded>()).Count.ShouldBe(1);
        // The mail message delivered again sends nothing.
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(bus => bus.InvokeAsync(new MailPledgeReminder(p.Id))));
        app.Smtp.ReceivedEmailCount.ShouldBe(1);
    }

    [Fact]
    public async Task two_nodes_sweeping_at_the_same_time_take_each_step_once()
    {
        await Pledge(5_000, "knoten@example.org");
        var ct = TestContext.Current.CancellationToken;
        await using var second = await app.StartHostAsync();
        Day(10);
        await Task.WhenAll(
            Task.Run(async () => { using var s = app.Host.Services.CreateScope(); await s.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new SweepDeadlines(), ct); }, ct),
            Task.Run(async () => { using var s = second.Services.CreateScope(); await s.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<SweepResult>(new SweepDeadlines(), ct); }, ct));
        await WaitForMails(1);
        await Eventually(async () => (await Facts<UnpaidPledgeReminded>()).Count == 1);
        // Give any duplicate a moment to show itself, then count again.
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        (await Facts<UnpaidPledgeReminded>()).Count.ShouldBe(1);
        app.Smtp.ReceivedEmailCount.ShouldBe(1);
    }

    // ----- receipt offers waiting for the donor's answer -----

    [Fact]
    public async Task a_receipt_offer_is_reminded_on_day_14_once_lapses_after_day_42_and_a_receipt_can_still_be_requested()
    {
        var offered = await Pledge(400_00, "jm@example.org", municipality: null);
        var small = await Pledge(250_00, "klein@example.org", municipality: null, name: "Erika Klein");
        var inWindow = await Pledge(500_00, "flut@example.org", municipality: null, name: "Fritz Flut");
        await Pay(offered, 400_00);
        await Pay(small, 250_00);
        await Pay(inWindow, 500_00, booked: new DateOnly(2021, 11, 20));
        var requested = await Pledge(400_00, "fragt@example.org", municipality: null, name: "Frieda Fragt");
        await Pay(requested, 400_00);
        await RequestReceipt(requested);

        Day(13);
        (await Sweep()).ReceiptOfferSteps.ShouldBe(0);
        Day(14);
        (await Sweep()).ReceiptOfferSteps.ShouldBe(1, "over 300 €, outside the disaster window, no receipt asked for");
        var reminded = (await Facts<ReceiptOfferReminded>()).ShouldHaveSingleItem();
        reminded.ShouldSatisfyAllConditions(r => r.DonationId.ShouldBe(offered.Id), r => r.Mailed.ShouldBeTrue(), r => r.Amount.Cents.ShouldBe(400_00),
            r => r.OfferedOn.ShouldBe(new DateOnly(2022, 10, 3)), r => r.AnswerBy.ShouldBe(new DateOnly(2022, 11, 14)));
        (await Sweep()).ReceiptOfferSteps.ShouldBe(0, "reminded once");
        // Redelivered messages (a second node, a crash before the acknowledgement) take no step and send no mail again.
        await Handle(new CheckReceiptOffer(offered.Id), new CheckReceiptOffer(offered.Id), new MailReceiptOfferReminder(offered.Id));
        (await Facts<ReceiptOfferReminded>()).Count.ShouldBe(1);
        var mail = Mails().Where(m => m.Subject?.StartsWith("Ihre Zuwendungsbestätigung über", StringComparison.Ordinal) == true).ShouldHaveSingleItem();
        mail.To.Mailboxes.Single().Address.ShouldBe("jm@example.org");
        mail.Subject.ShouldBe("Ihre Zuwendungsbestätigung über 400,00 € für „Freude schenken“");
        foreach (var expected in new[] { "Guten Tag Jürgen Müller,", "Am 03.10.2022 sind 400,00 € bei uns eingegangen", "§ 50 Abs. 4 EStDV",
                     "bis zum 14.11.2022 keine Anforderung", "auch danach jederzeit",
                     $"Ihre Spende: https://spenden.example.org/spenden/{offered.Id}?token=m1.20221216.", "(gültig bis 16.12.2022;" })
            Body(mail).ShouldContain(expected, Case.Sensitive);
        var mailedToken = MailedToken(mail, offered.Id);

        Day(42);
        (await Sweep()).ReceiptOfferSteps.ShouldBe(0, "the deadline day is still the donor's");
        await Handle(new CheckReceiptOffer(offered.Id));
        (await Facts<ReceiptOfferLapsed>()).ShouldBeEmpty();
        Day(43);
        (await Sweep()).ReceiptOfferSteps.ShouldBe(1);
        await Handle(new CheckReceiptOffer(offered.Id), new CheckReceiptOffer(offered.Id));
        (await Sweep()).ReceiptOfferSteps.ShouldBe(0);
        var lapsed = (await Facts<ReceiptOfferLapsed>()).ShouldHaveSingleItem();
        lapsed.ShouldSatisfyAllConditions(l => l.DonationId.ShouldBe(offered.Id), l => l.AnswerBy.ShouldBe(new DateOnly(2022, 11, 14)));
        Mails().Count(m => m.Subject?.StartsWith("Ihre Zuwendungsbestätigung über", StringComparison.Ordinal) == true).ShouldBe(1, "no mail with the default");
        (await Facts<Domain.Receipts.Issuing.ReceiptIssued>()).Select(r => r.Lines.Single().DonationId).ShouldBe([requested.Id], "the default issues no receipt");

        // The offer lapsed; the donor may still ask (here through the link in the reminder), and gets the receipt.
        await RequestReceipt(offered, mailedToken);
        (await Facts<Domain.Receipts.Issuing.ReceiptIssued>()).Select(r => r.Lines.Single().DonationId).ShouldBe([requested.Id, offered.Id], ignoreOrder: true);
    }

    private async Task RequestReceipt(Pledged p, string? token = null)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await app.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/api/donations/{p.Id}/receipt").QueryString("token", token ?? Uri.UnescapeDataString(p.DonorUrl.Split("token=")[1]));
            s.StatusCodeShouldBe(202);
        })));

    /// <summary>Each message handled at the same time (as two nodes or a redelivery would), and what they set off.</summary>
    private async Task Handle(params object[] messages)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await Task.WhenAll(messages.Select(m => Task.Run(async () =>
        {
            using var scope = app.Host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(m);
        })))));

    // ----- proof-of-use deadline (31.12.2022) -----

    private async Task<string> Allocate()
    {
        var p = await Pledge(50_000, email: null);
        await Pay(p, 50_000);
        var allocation = await Send($"{Appeal}/allocations", new { municipalityId = "stolberg", purposeId = "kita-schulmaterial", amountCents = 30_000,
            decisionReference = "SI/2022/101", decidedOn = "2022-10-04" }, app.TokenNow("treasurer"), 201);
        return allocation.GetProperty("allocationId").GetString()!;
    }

    [Fact]
    public async Task clerks_are_reminded_four_weeks_and_one_week_before_the_deadline_and_the_treasury_the_day_after_each_once()
    {
        var id = await Allocate();
        (DateOnly Day, ProofReminderStage? Expected)[] days =
        [
            (new(2022, 12, 2), null), (new(2022, 12, 3), ProofReminderStage.First), (new(2022, 12, 3), null), (new(2022, 12, 23), null),
            (new(2022, 12, 24), ProofReminderStage.Second), (new(2022, 12, 31), null), (new(2023, 1, 1), ProofReminderStage.Overdue), (new(2023, 3, 1), null),
        ];
        var taken = 0;
        foreach (var (day, expected) in days)
        {
            On(day);
            (await Sweep()).ProofOfUseSteps.ShouldBe(expected is null ? 0 : 1, $"on {day}");
            var facts = await Facts<ProofOfUseReminderSent>();
            if (expected is { } stage)
            {
                taken++;
                facts.Last().ShouldSatisfyAllConditions(
                    f => f.Stage.ShouldBe(stage), f => f.AllocationId.ShouldBe(Guid.Parse(id)), f => f.Mailed.ShouldBeTrue(),
                    f => f.Deadline.ShouldBe(new DateOnly(2022, 12, 31)), f => f.DueOn.ShouldBe(day));
            }
            facts.Count.ShouldBe(taken, $"on {day}");
            app.Smtp.ReceivedEmailCount.ShouldBe(taken, $"on {day}");
        }

        var mails = Mails();
        var first = mails.Single(m => Body(m).Contains("– noch 28 Tage."));
        first.To.Mailboxes.Select(m => m.Address).Order().ShouldBe(["kaemmerei@stolberg.example", "kita@stolberg.example"]);
        first.Subject.ShouldBe("Erinnerung: Verwendungsnachweis bis 31.12.2022 – Zuweisung SI/2022/101 an Stolberg (Rhld.)");
        Body(first).ShouldContain("ist der Verwendungsnachweis bis zum 31.12.2022 vorzulegen\n– noch 28 Tage.");
        Body(first).ShouldContain("Zuweisung von 300,00 € an Stolberg (Rhld.)");
        Body(first).ShouldContain($"https://spenden.example.org/kommune/zuweisungen/{id}");
        mails.Single(m => Body(m).Contains("– noch 7 Tage.")).To.Count.ShouldBe(2);
        var overdue = mails.Single(m => (m.Subject ?? "").StartsWith("Verwendungsnachweis überfällig", StringComparison.Ordinal));
        overdue.To.Mailboxes.Single().Address.ShouldBe("schatzamt@region-aachen.example");
        overdue.Subject.ShouldBe("Verwendungsnachweis überfällig: Stolberg (Rhld.) – Zuweisung SI/2022/101");
        Body(overdue).ShouldContain("war bis zum 31.12.2022 vorzulegen und liegt nicht vor (Stand 01.01.2023).");
    }

    [Fact]
    public async Task no_reminder_and_no_overdue_notice_once_the_proof_is_submitted()
    {
        var id = await Allocate();
        On(new DateOnly(2022, 12, 3));
        (await Sweep()).ProofOfUseSteps.ShouldBe(1);
        await Send($"/api/allocations/{id}/proof-of-use", new
        {
            narrativeReport = "Material für die Kita gekauft.",
            declaration = new { usedOnlyForPurpose = true, necessaryEconomicalThrifty = true, figuresAgreeWithBooks = true,
                place = "Stolberg (Rhld.)", date = "2022-12-03", signatoryName = "Petra Schulz", signatoryFunction = "Kämmerin" },
        }, app.TokenNow("municipality", "stolberg"), 200);

        foreach (var day in new DateOnly[] { new(2022, 12, 24), new(2023, 1, 1) })
        {
            On(day);
            (await Sweep()).ProofOfUseSteps.ShouldBe(0);
            await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(bus => bus.InvokeAsync(new SendProofOfUseReminder(Guid.Parse(id)))));
        }
        (await Facts<ProofOfUseReminderSent>()).ShouldHaveSingleItem().Stage.ShouldBe(ProofReminderStage.First);
        app.Smtp.ReceivedEmailCount.ShouldBe(1);
    }

    [Fact]
    public async Task the_treasury_sees_upcoming_and_overdue_proof_of_use_deadlines()
    {
        var id = await Allocate();
        On(new DateOnly(2022, 12, 10));
        var upcoming = await app.Host.GetAsJsonAs(app.TokenNow("treasurer"), $"{Appeal}/deadlines");
        var line = upcoming.GetProperty("proofsOfUse").EnumerateArray().ShouldHaveSingleItem();
        (line.GetProperty("allocationId").GetString(), line.GetProperty("deadline").GetString(), line.GetProperty("daysLeft").GetInt32(), line.GetProperty("overdue").GetBoolean())
            .ShouldBe((id, "2022-12-31", 21, false));
        line.GetProperty("remindersSent").EnumerateArray().Select(s => s.GetString()).ShouldBeEmpty();
        // The first reminder is due (from 03.12. until the second's day) and not yet taken: the next sweep takes it.
        (line.GetProperty("nextStep").GetString(), line.GetProperty("nextStepOn").GetString()).ShouldBe(("first", "2022-12-10"));
        await Sweep();
        line = (await app.Host.GetAsJsonAs(app.TokenNow("treasurer"), $"{Appeal}/deadlines")).GetProperty("proofsOfUse")[0];
        (line.GetProperty("nextStep").GetString(), line.GetProperty("nextStepOn").GetString()).ShouldBe(("second", "2022-12-24"));
        (await app.Host.GetAsJsonAs(app.TokenNow("treasurer"), $"{Appeal}/deadlines")).GetProperty("pledges").GetProperty("unpaid").GetInt32().ShouldBe(0);

        On(new DateOnly(2023, 1, 2));
        await Sweep();
        line = (await app.Host.GetAsJsonAs(app.TokenNow("auditor"), $"{Appeal}/deadlines")).GetProperty("proofsOfUse")[0];
        (line.GetProperty("overdue").GetBoolean(), line.GetProperty("daysLeft").GetInt32()).ShouldBe((true, -2));
        line.GetProperty("remindersSent").EnumerateArray().Select(s => s.GetString()).ShouldBe(["first", "overdue"]);
        await app.Host.Scenario(s => { s.Get.Url($"{Appeal}/deadlines"); s.WithBearer(app.TokenNow("municipality", "stolberg")); s.StatusCodeShouldBe(403); });
    }

    private async Task WaitForMails(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (app.Smtp.ReceivedEmailCount < count) await Task.Delay(50, timeout.Token);
    }

    private static async Task Eventually(Func<Task<bool>> done)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        while (!await done()) await Task.Delay(50, timeout.Token);
    }
}
