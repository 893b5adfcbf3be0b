using System.Text;
using System.Text.Json;
using FlutHilfe.Api.Deadlines;
using FlutHilfe.Api.EarmarkDecisions;
using Microsoft.Extensions.DependencyInjection;
using FlutHilfe.Api.Tests.Deadlines;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.TestSupport;
using Marten;
using Marten.Events;
using MimeKit;
using Wolverine;
using Wolverine.Tracking;

namespace FlutHilfe.Api.Tests.EarmarkDecisions;

/// <summary>
/// Issue 15, donor refund or redirection: the treasury starts a decision on money of an earmark that can no longer be met;
/// the donors paid last are asked first (shares add up to the amount), answer through their donor link (redirect, general
/// fund, refund), are reminded a week before the deadline, and the appeal's default applies after it; each step once, and
/// available = confirmed − refunded − allocated + returned holds for every fund throughout.
/// </summary>
public class EarmarkDecisionTests(DeadlineFixture app) : IClassFixture<DeadlineFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string Appeal = "/api/appeals/freude-schenken-2021";
    private const string PayerIban = "DE02120300000000202051";

    public async ValueTask InitializeAsync()
    {
        app.ResetClock();
        await app.ResetAsync();
        app.Smtp.ClearReceivedEmail();
        await Send("/api/appeals", Requests.OpenAppeal(), app.TokenNow("treasurer"), 201);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record Pledged(Guid Id, string Reference, string Token);

    private string Treasurer => app.TokenNow("treasurer");

    private async Task<JsonElement> Send(string url, object body, string? token, int status)
        => await (await app.Host.Scenario(s =>
        {
            s.Post.Json(body).ToUrl(url);
            if (token is not null) s.WithBearer(token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    private async Task<JsonElement> Get(string url, string? token = null)
        => await (await app.Host.Scenario(s =>
        {
            s.Get.Url(url);
            if (token is not null) s.WithBearer(token);
        })).ReadAsJsonAsync<JsonElement>();

    /// <summary>A pledge to Stolberg paid on day <paramref name="day"/> of the clock (from the payer's account).</summary>
    private async Task<Pledged> PaidPledge(long cents, int day, string? email, string name = "Jürgen Müller")
    {
        app.Clock.SetUtcNow(DeadlineFixture.Start.AddDays(day));
        var pledge = await app.PledgeAsync(new
        {
            amountCents = cents,
            earmarks = new[] { new { municipalityId = "stolberg", amountCents = cents } },
            donor = new { name, street = "Kaiserplatz 1", postalCode = "52146", city = "Würselen", country = "DE", email },
        });
        var p = new Pledged(pledge.GetProperty("donationId").GetGuid(), pledge.GetProperty("reference").GetString()!,
            Uri.UnescapeDataString(pledge.GetProperty("donorUrl").GetString()!.Split("token=")[1]));
        var xml = CamtWriter.Write053v08("S-" + Guid.NewGuid().ToString("N")[..8], Requests.AppealIban,
            [new GeneratedCredit(cents, Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()), StructuredReference: p.Reference, DebtorName: name, DebtorIban: PayerIban)]);
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await app.Host.Scenario(s =>
        {
            s.Post.Url("/api/bank-statements");
            s.ConfigureHttpContext(c =>
            {
                c.Request.Body = new MemoryStream(xml);
                c.Request.ContentLength = xml.Length;
                c.Request.ContentType = "application/xml";
            });
            s.WithBearer(Treasurer);
            s.StatusCodeShouldBe(200);
        })));
        return p;
    }

    private void Day(int days) => app.Clock.SetUtcNow(DeadlineFixture.Start.AddDays(days));

    private async Task<JsonElement> Start(long cents, int status = 201, string municipality = "stolberg", Guid? id = null)
    {
        JsonElement answer = default;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => answer = await Send($"{Appeal}/earmark-decisions",
            new { municipalityId = municipality, amountCents = cents, reason = "Die Kommune hat die zweckgebundenen Mittel abgelehnt.", decisionId = id ?? Guid.NewGuid() },
            Treasurer, status)));
        return answer;
    }

    private async Task<JsonElement> Answer(Pledged p, Guid decision, object body, int status, string? token = null)
        => await (await app.Host.Scenario(s =>
        {
            // Alba's ToUrl keeps a '?' in the path of a request with a body: the query goes in separately.
            s.Post.Json(body).ToUrl($"/api/donations/{p.Id}/earmark-questions/{decision}").QueryString("token", token ?? p.Token);
            s.StatusCodeShouldBe(status);
        })).ReadAsJsonAsync<JsonElement>();

    /// <summary>The donor page's text as the donor reads it (tags stripped, entities decoded, spaces collapsed).</summary>
    private async Task<string> DonorPage(Pledged p)
    {
        var html = await (await app.Host.Scenario(s => s.Get.Url($"/spenden/{p.Id}?token={Uri.EscapeDataString(p.Token)}"))).ReadAsTextAsync();
        var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));
        return System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
    }

    private async Task<SweepResult> Sweep()
    {
        SweepResult? result = null;
        await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async bus => result = await bus.InvokeAsync<SweepResult>(new SweepDeadlines())));
        return result!;
    }

    /// <summary>Each message handled at the same time (as two nodes or a redelivery would), and what they set off.</summary>
    private async Task Handle(params object[] messages)
        => await app.Host.TrackActivity(Timeout).ExecuteAndWaitAsync((Func<IMessageContext, Task>)(async _ => await Task.WhenAll(messages.Select(m => Task.Run(async () =>
        {
            using var scope = app.Host.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(m);
        })))));

    private async Task<IReadOnlyList<T>> Facts<T>() where T : notnull
    {
        await using var session = app.Store.QuerySession();
        return await session.Events.QueryRawEventDataOnly<T>().ToListAsync(TestContext.Current.CancellationToken);
    }

    private IReadOnlyList<MimeMessage> Mails()
        => app.Smtp.ReceivedEmail.Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m.Data)))).ToList();

    /// <summary>Every fund of the appeal by key, after checking available = confirmed − refunded − allocated + returned for each.</summary>
    private async Task<Dictionary<string, JsonElement>> Funds()
    {
        var funds = (await Get($"{Appeal}/funds", Treasurer)).EnumerateArray().ToList();
        foreach (var f in funds)
        {
            long C(string name) => f.GetProperty(name).GetInt64();
            C("availableCents").ShouldBe(C("confirmedCents") - C("refundedCents") - C("allocatedCents") + C("returnedCents"));
        }
        return funds.ToDictionary(f => f.GetProperty("fund").GetString()!);
    }

    [Fact]
    public async Task a_decision_asks_the_donations_paid_last_first_shares_add_up_to_the_amount_and_each_donor_with_an_address_is_mailed_once()
    {
        var first = await PaidPledge(100_00, 0, "erste@example.org", "Erika Erste");
        var second = await PaidPledge(200_00, 1, null, "Zacharias Zweiter");
        var third = await PaidPledge(300_00, 2, "dritte@example.org", "Dörte Dritte");
        app.Smtp.ClearReceivedEmail();
        Day(3);

        var id = Guid.NewGuid();
        var decision = await Start(400_00, id: id);
        decision.GetProperty("rule").GetString().ShouldBe(EarmarkDecider.LatestFirst);
        decision.GetProperty("answerBy").GetString().ShouldBe("2022-11-17");
        decision.GetProperty("defaultChoice").GetString().ShouldBe("generalFund");
        var shares = decision.GetProperty("shares").EnumerateArray().Select(s => (s.GetProperty("donationId").GetGuid(), s.GetProperty("amountCents").GetInt64())).ToList();
        shares.ShouldBe([(third.Id, 300_00L), (second.Id, 100_00L)]);
        shares.Sum(s => s.Item2).ShouldBe(400_00);
        (await Start(400_00, id: id)).GetProperty("decisionId").GetGuid().ShouldBe(id, "a retry with the same id starts nothing new");
        (await Facts<EarmarkQuestionAsked>()).Count.ShouldBe(2);

        // The money of the first donation is not asked about; a second decision can take only what is not under one yet.
        (await Start(200_01, 409)).GetProperty("field").GetString().ShouldBe("amountCents");
        (await Start(200_00)).GetProperty("shares").EnumerateArray().Select(s => s.GetProperty("donationId").GetGuid()).ShouldBe([second.Id, first.Id]);

        var mail = Mails().Where(m => m.To.Mailboxes.Single().Address == "dritte@example.org").ShouldHaveSingleItem();
        mail.Subject.ShouldBe("Ihre Entscheidung zu 300,00 € Ihrer Spende für „Freude schenken“");
        foreach (var expected in new[] { "Guten Tag Dörte Dritte,", "für Kommune Stolberg (Rhld.) bestimmt", "bis zum 17.11.2022", "Rückzahlung auf Ihr Konto",
                     "Umwidmung in den allgemeinen Fonds des Aufrufs", "Mit freundlichen Grüßen" })
            (mail.TextBody ?? "").ShouldContain(expected, Case.Sensitive);
        Mails().Count.ShouldBe(2, "Dörte for the first decision, Erika for the second; Zacharias gave no address");

        var view = await Get($"/api/donations/{third.Id}?token={Uri.EscapeDataString(third.Token)}");
        var question = view.GetProperty("earmarkQuestions").EnumerateArray().ShouldHaveSingleItem();
        question.GetProperty("amountText").GetString().ShouldBe("300,00 €");
        question.GetProperty("answerByText").GetString().ShouldBe("17.11.2022");
        question.GetProperty("payerIbanMasked").GetString().ShouldBe("DE02 **** **** **** **20 51");
        question.GetProperty("status").GetString().ShouldBe("open");
        (await Funds())["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(600_00, "asking moves no money");
    }

    [Fact]
    public async Task each_answer_moves_the_money_as_chosen_once_and_every_fund_keeps_its_equation()
    {
        var a = await PaidPledge(100_00, 0, null);
        var b = await PaidPledge(200_00, 1, null);
        var c = await PaidPledge(300_00, 2, null);
        var d = await PaidPledge(400_00, 3, null);
        Day(4);
        var decision = (await Start(1_000_00)).GetProperty("decisionId").GetGuid();

        (await Answer(a, decision, new { choice = "redirect", municipalityId = "eschweiler" }, 200)).GetProperty("toFund").GetString().ShouldBe("m:eschweiler");
        (await Answer(a, decision, new { choice = "redirect", municipalityId = "eschweiler" }, 200)).GetProperty("choice").GetString().ShouldBe("redirect");
        (await Answer(a, decision, new { choice = "refund" }, 409)).GetProperty("field").GetString().ShouldBe("choice");
        (await Answer(b, decision, new { choice = "generalFund" }, 200)).GetProperty("toFund").GetString().ShouldBe("general");
        (await Answer(c, decision, new { choice = "refund" }, 200)).GetProperty("refundIbanMasked").GetString().ShouldBe("DE02 **** **** **** **20 51");
        (await Answer(d, decision, new { choice = "refund", iban = "DE89 3704 0044 0532 0130 01" }, 422)).GetProperty("field").GetString().ShouldBe("iban");
        (await Answer(d, decision, new { choice = "redirect", municipalityId = "stolberg" }, 422)).GetProperty("field").GetString().ShouldBe("municipalityId");
        (await Answer(d, decision, new { choice = "redirect", municipalityId = "atlantis" }, 422)).GetProperty("field").GetString().ShouldBe("municipalityId");
        (await Answer(d, decision, new { choice = "maybe" }, 422)).GetProperty("field").GetString().ShouldBe("choice");
        await Answer(d, decision, new { choice = "refund" }, 404, token: c.Token);
        (await Answer(d, decision, new { choice = "refund", iban = "DE89 3704 0044 0532 0130 00", accountHolder = "Jürgen Müller" }, 200))
            .GetProperty("refundIbanMasked").GetString().ShouldBe("DE89 **** **** **** **30 00");

        (await Facts<EarmarkQuestionAnswered>()).Count.ShouldBe(4, "the repeated answer changed nothing");
        var refunded = await DonorPage(c);
        refunded.ShouldContain("Ihre Entscheidung vom 07.10.2022: Rückzahlung auf Ihr Konto .");
        refunded.ShouldContain("Grund der Frage Die Kommune hat die zweckgebundenen Mittel abgelehnt.");
        refunded.ShouldContain("Rückzahlung auf DE02 **** **** **** **20 51 Stand der Rückzahlung angewiesen");
        (await DonorPage(a)).ShouldContain("Umwidmung an Kommune Eschweiler");
        var funds = await Funds();
        funds["m:stolberg"].GetProperty("confirmedCents").GetInt64().ShouldBe(700_00, "300 € redirected out");
        funds["m:stolberg"].GetProperty("refundedCents").GetInt64().ShouldBe(700_00, "300 € + 400 € refunded");
        funds["m:stolberg"].GetProperty("availableCents").GetInt64().ShouldBe(0);
        funds["m:eschweiler"].GetProperty("availableCents").GetInt64().ShouldBe(100_00);
        funds["general"].GetProperty("availableCents").GetInt64().ShouldBe(200_00);

        var view = await Get($"/api/earmark-decisions/{decision}", Treasurer);
        view.GetProperty("openCents").GetInt64().ShouldBe(0);
        view.GetProperty("redirectedCents").GetInt64().ShouldBe(300_00);
        view.GetProperty("refundedCents").GetInt64().ShouldBe(700_00);
        await using var session = app.Store.QuerySession();
        (await session.LoadAsync<RefundAccount>($"{d.Id}:{decision}", TestContext.Current.CancellationToken))!.Iban
            .ShouldBe("DE89370400440532013000");
    }

    /// <summary>The status and the problem a donor-view request with <paramref name="token"/> gets.</summary>
    private async Task<(int Status, string Body)> View(Guid donationId, string token)
    {
        var result = await app.Host.Scenario(s =>
        {
            s.Get.Url($"/api/donations/{donationId}?token={Uri.EscapeDataString(token)}");
            s.IgnoreStatusCode();
        });
        var body = await result.ReadAsTextAsync();
        // The trace id differs from request to request; everything else must be the same for every refusal.
        return (result.Context.Response.StatusCode, System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", ""));
    }

    [Fact]
    public async Task the_question_mail_carries_a_donor_link_of_its_own_that_opens_and_answers_only_its_donation_until_two_weeks_after_the_answer_day()
    {
        var other = await PaidPledge(100_00, 0, null, "Otto Anders");
        var p = await PaidPledge(250_00, 1, "jm@example.org");
        app.Smtp.ClearReceivedEmail();
        var started = await Start(250_00);   // day 1: the donation paid last carries it all
        var decision = started.GetProperty("decisionId").GetGuid();
        var answerBy = DateOnly.Parse(started.GetProperty("answerBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var validUntil = answerBy.AddDays(14);

        var mail = Mails().ShouldHaveSingleItem();
        var text = mail.TextBody ?? "";
        text.ShouldContain($"Ihre Spende und Ihre Antwort: https://spenden.example.org/spenden/{p.Id}?token=m1.{validUntil:yyyyMMdd}.", Case.Sensitive);
        text.ShouldContain($"(gültig bis {Domain.Shared.GermanDate.Format(validUntil)};", Case.Sensitive);
        text.ShouldNotContain(p.Token, Case.Sensitive, "the pledge-time token is never mailed");
        var mailed = DeadlineTests.MailedToken(mail, p.Id);

        // The link opens the donation (API and page) and the answer links on it carry it on.
        var (status, body) = await View(p.Id, mailed);
        status.ShouldBe(200);
        var question = JsonDocument.Parse(body).RootElement.GetProperty("earmarkQuestions").EnumerateArray().ShouldHaveSingleItem();
        question.GetProperty("answerUrl").GetString().ShouldBe($"/api/donations/{p.Id}/earmark-questions/{decision}?token={Uri.EscapeDataString(mailed)}");
        (await DonorPage(p with { Token = mailed })).ShouldContain("Ihre Entscheidung ist gefragt: 250,00 € Ihrer Spende");

        // Refused exactly like a wrong token: another donation, a changed mac, a changed day, one that lapsed.
        var wrong = await View(p.Id, "not-the-token");
        wrong.Status.ShouldBe(404);
        (await View(other.Id, mailed)).ShouldBe(wrong with { Body = wrong.Body.Replace(p.Id.ToString(), other.Id.ToString()) }, "a link of another donation");
        var tampered = mailed[..^1] + (mailed[^1] == 'A' ? 'B' : 'A');
        (await View(p.Id, tampered)).ShouldBe(wrong, "a changed mac");
        (await View(p.Id, mailed.Replace($".{validUntil:yyyyMMdd}.", $".{validUntil.AddDays(365):yyyyMMdd}."))).ShouldBe(wrong, "a later day under the same mac");
        var access = app.Host.Services.GetRequiredService<FlutHilfe.Api.Donations.Viewing.DonorAccess>();
        var lapsed = access.Issue(p.Id, Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()).AddDays(-1));
        (await View(p.Id, lapsed)).ShouldBe(wrong, "a link that lapsed yesterday");
        await Answer(p, decision, new { choice = "refund" }, 404, token: lapsed);
        await Answer(other, decision, new { choice = "refund" }, 404, token: mailed);
        await Answer(p, decision, new { choice = "refund" }, 404, token: tampered);
        (await Facts<EarmarkQuestionAnswered>()).ShouldBeEmpty();

        // The answer through the mailed link.
        var answer = await Answer(p, decision, new { choice = "generalFund" }, 200, token: mailed);
        answer.GetProperty("choice").GetString().ShouldBe("generalFund");
        (await Facts<EarmarkQuestionAnswered>()).ShouldHaveSingleItem().ByDefault.ShouldBeFalse();

        // Valid through its last day, refused from the day after; the pledge-time link stays valid.
        app.Clock.SetUtcNow(new DateTimeOffset(validUntil.ToDateTime(new TimeOnly(23, 30)), TimeSpan.FromHours(1)));
        (await View(p.Id, mailed)).Status.ShouldBe(200);
        app.Clock.SetUtcNow(new DateTimeOffset(validUntil.AddDays(1).ToDateTime(new TimeOnly(0, 30)), TimeSpan.FromHours(1)));
        (await View(p.Id, mailed)).ShouldBe(wrong, "lapsed");
        (await View(p.Id, p.Token)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task without_an_answer_the_donor_is_reminded_a_week_before_and_the_default_applies_once_after_the_deadline()
    {
        var p = await PaidPledge(250_00, 0, "jm@example.org");
        var decision = (await Start(250_00)).GetProperty("decisionId").GetGuid();   // day 0: answer by 14.11.2022, reminder from 07.11.2022
        app.Smtp.ClearReceivedEmail();
        var asked = await DonorPage(p);
        asked.ShouldContain("Ihre Entscheidung ist gefragt: 250,00 € Ihrer Spende");
        asked.ShouldContain("Grund Die Kommune hat die zweckgebundenen Mittel abgelehnt. Betroffen 250,00 € für Kommune Stolberg (Rhld.) "
                            + "Antwort bis 14.11.2022 Ohne Antwort Umwidmung in den allgemeinen Fonds des Aufrufs");
        asked.ShouldContain("Zurückzahlen auf das Konto, von dem Sie gespendet haben (DE02 **** **** **** **20 51)");

        Day(34);
        (await Sweep()).EarmarkSteps.ShouldBe(0);
        Day(35);
        (await Sweep()).EarmarkSteps.ShouldBe(1);
        (await Sweep()).EarmarkSteps.ShouldBe(0, "reminded once");
        (await Facts<EarmarkQuestionReminded>()).ShouldHaveSingleItem().Mailed.ShouldBeTrue();
        var reminder = Mails().ShouldHaveSingleItem();
        reminder.Subject.ShouldBe("Erinnerung: Ihre Entscheidung zu 250,00 € Ihrer Spende für „Freude schenken“");
        (reminder.TextBody ?? "").ShouldContain("bis zum 14.11.2022");

        Day(42);
        (await Sweep()).EarmarkSteps.ShouldBe(0, "the deadline day is still the donor's");
        await Handle(new ApplyEarmarkDefaultNow(p.Id));
        (await Facts<EarmarkQuestionAnswered>()).ShouldBeEmpty("early: nothing");
        Day(43);
        (await Sweep()).EarmarkSteps.ShouldBe(1);
        await Handle(Enumerable.Range(0, 4).Select(_ => new ApplyEarmarkDefaultNow(p.Id)).ToArray());
        (await Sweep()).EarmarkSteps.ShouldBe(0);
        var fact = (await Facts<EarmarkQuestionAnswered>()).ShouldHaveSingleItem();
        fact.ShouldSatisfyAllConditions(f => f.ByDefault.ShouldBeTrue(), f => f.Choice.ShouldBe(EarmarkChoice.GeneralFund), f => f.ToFundKey.ShouldBe("general"));
        (await Answer(p, decision, new { choice = "refund" }, 409)).GetProperty("detail").GetString()!.ShouldContain("14.11.2022");
        (await Funds())["general"].GetProperty("availableCents").GetInt64().ShouldBe(250_00);
        Mails().Count.ShouldBe(1, "no mail after the default");
        (await DonorPage(p)).ShouldContain("Bis zum 14.11.2022 haben wir keine Antwort erhalten. Deshalb gilt die im Aufruf festgelegte Regel: "
                                           + "Umwidmung in den allgemeinen Fonds des Aufrufs (seit 15.11.2022).");
    }

    private async Task<JsonElement> Allocate(long cents, int status)
        => await Send($"{Appeal}/allocations", new
        {
            municipalityId = "stolberg", amountCents = cents, decisionReference = "SI/2022/" + cents,
            decidedOn = Domain.Shared.GermanDate.DayOf(app.Clock.GetUtcNow()),
        }, Treasurer, status);

    /// <summary>The treasury's allocation page as the treasurer reads it (tags stripped, entities decoded, spaces collapsed).</summary>
    private async Task<string> AllocationsPage()
    {
        var html = await (await app.Host.Scenario(s =>
        {
            s.Get.Url("/schatzamt/zuweisungen?aufruf=freude-schenken-2021");
            s.WithBearer(Treasurer);
        })).ReadAsTextAsync();
        var text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", " "));
        return System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
    }

    [Fact]
    public async Task money_under_an_open_question_is_held_no_allocation_or_second_decision_spends_it_and_the_answers_release_it()
    {
        await PaidPledge(100_00, 0, null);
        var b = await PaidPledge(200_00, 1, null);
        var c = await PaidPledge(300_00, 2, null);
        Day(3);
        var first = (await Start(300_00)).GetProperty("decisionId").GetGuid();    // asks c for its 300 €
        var stolberg = (await Funds())["m:stolberg"];
        (stolberg.GetProperty("availableCents").GetInt64(), stolberg.GetProperty("heldCents").GetInt64()).ShouldBe((600_00L, 300_00L));
        (await AllocationsPage()).ShouldContain("600,00 € davon gebunden (offene Rückfrage): 300,00 €");

        var refused = await Allocate(300_01, 409);
        refused.GetProperty("field").GetString().ShouldBe("amountCents");
        refused.GetProperty("detail").GetString()!.ShouldContain("300,00 € is held for an open earmark question");
        refused.GetProperty("funds").EnumerateArray().Single(f => f.GetProperty("fund").GetString() == "m:stolberg").GetProperty("heldCents").GetInt64().ShouldBe(300_00);
        await Allocate(200_00, 201);

        // 400 € available, 300 € of it held: a second decision may take only the other 100 €.
        var second = await Start(100_01, 409);
        second.GetProperty("field").GetString().ShouldBe("amountCents");
        second.GetProperty("detail").GetString()!.ShouldContain("held for an open earmark question");
        var other = (await Start(100_00)).GetProperty("decisionId").GetGuid();      // asks b for 100 €
        (await Funds())["m:stolberg"].GetProperty("heldCents").GetInt64().ShouldBe(400_00);
        (await Allocate(1, 409)).GetProperty("field").GetString().ShouldBe("amountCents");

        // The answer releases what it moves; the default after the deadline releases the rest.
        await Answer(c, first, new { choice = "refund" }, 200);
        (await Funds())["m:stolberg"].GetProperty("heldCents").GetInt64().ShouldBe(100_00);
        (await Allocate(1, 409)).GetProperty("detail").GetString()!.ShouldContain("held for an open earmark question");
        Day(46);
        await Sweep();
        (await Facts<EarmarkQuestionAnswered>()).Single(f => f.DecisionId == other).ShouldSatisfyAllConditions(
            f => f.DonationId.ShouldBe(b.Id), f => f.ByDefault.ShouldBeTrue());
        var funds = await Funds();
        funds.Values.Select(f => f.GetProperty("heldCents").GetInt64()).ShouldAllBe(h => h == 0, "nothing is held once every question is closed");
        (funds["m:stolberg"].GetProperty("availableCents").GetInt64(), funds["general"].GetProperty("availableCents").GetInt64()).ShouldBe((0L, 100_00L));
        (await AllocationsPage()).ShouldNotContain("gebunden (offene Rückfrage):");
        (await Allocate(100_00, 201)).GetProperty("draws")[0].GetProperty("fund").GetString().ShouldBe("general");
    }

    [Fact]
    public async Task bad_starts_are_problems_naming_the_field()
    {
        await PaidPledge(100_00, 0, null);
        (await Start(100_00, 422, municipality: "atlantis")).GetProperty("field").GetString().ShouldBe("municipalityId");
        (await Start(100_01, 409)).GetProperty("field").GetString().ShouldBe("amountCents");
        (await Start(0, 422)).GetProperty("field").GetString().ShouldBe("amountCents");
        (await Send($"{Appeal}/earmark-decisions", new { amountCents = 100, reason = "x" }, Treasurer, 422)).GetProperty("field").GetString().ShouldBe("municipalityId");
        (await Start(100_00, 409, municipality: "eschweiler")).GetProperty("field").GetString().ShouldBe("amountCents");
        await app.Host.Scenario(s => { s.Get.Url($"/api/earmark-decisions/{Guid.NewGuid()}"); s.WithBearer(Treasurer); s.StatusCodeShouldBe(404); });
        await Send($"{Appeal}/earmark-decisions", new { municipalityId = "stolberg", amountCents = 100, reason = "x" }, app.TokenNow("auditor"), 403);
        (await Facts<EarmarkDecisionStarted>()).ShouldBeEmpty();
    }
}
