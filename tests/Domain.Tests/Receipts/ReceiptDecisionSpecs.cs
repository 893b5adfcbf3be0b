using System.Text.Json;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Cancelling;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Receipts.ReceiptPolicySpecs;

namespace FlutHilfe.Domain.Tests.Receipts;

public class ReceiptDecisionSpecs
{
    private static readonly Guid P1 = Guid.CreateVersion7(), P2 = Guid.CreateVersion7();
    // The words come from the documents adapter (Documents.Tests checks the German); here: that the total is the one spelled.
    private static readonly ReceiptTerms Terms = new("der Jugendhilfe", "Aachen", ReceiptTemplate.Default.Version, "maschinell", amount => $"[{amount.Cents} Cent]");

    private static ReceiptIssued Issue(IReadOnlyList<ReceiptablePayment> payments, bool collective = false, DateOnly? from = null, DateOnly? to = null,
        DateTimeOffset? now = null, DateOnly? issuedOn = null)
        => ReceiptDecision.Issue(payments, collective, from, to, Samples.Appeal(), new PrintedUse(false, null, null), new ReceiptNumbering("2021-000001", 2021, 1),
            new ReceiptHolder(Guid.CreateVersion7(), "cipher"), Terms, null, now ?? Samples.Now, issuedOn ?? ReceiptSamples.IssuedOn);

    [Fact]
    public void a_receipt_is_dated_by_the_german_calendar_day_it_is_given_not_by_the_utc_day_of_the_moment()
    {
        // 00:30 on New Year's Day in Aachen is still 31 December in UTC.
        var issued = Issue([new ReceiptablePayment(DonationId, P1, Day, new Money(5_000))],
            now: new DateTimeOffset(2021, 12, 31, 23, 30, 0, TimeSpan.Zero), issuedOn: new DateOnly(2022, 1, 1));
        issued.IssueDate.ShouldBe(new DateOnly(2022, 1, 1));
    }

    [Fact]
    public void one_payment_is_a_single_receipt_whose_line_carries_the_payment()
    {
        var issued = Issue([new ReceiptablePayment(DonationId, P1, Day, new Money(5_000))]);
        issued.Kind.ShouldBe(ReceiptKind.Single);
        issued.Lines.ShouldBe([new ReceiptLine(DonationId, Day, new Money(5_000), P1)]);
        issued.DonationDate.ShouldBe(Day);
        issued.AmountInWords.ShouldBe("[5000 Cent]");
        issued.MachineNote.ShouldBe("maschinell");
    }

    [Fact]
    public void several_payments_are_a_sammelbestaetigung_from_the_first_to_the_last_payment()
    {
        var issued = Issue([new ReceiptablePayment(DonationId, P2, Day.AddDays(5), new Money(2_000)), new ReceiptablePayment(DonationId, P1, Day, new Money(3_000))]);
        issued.Kind.ShouldBe(ReceiptKind.Collective);
        issued.Amount.ShouldBe(new Money(5_000));
        issued.AmountInWords.ShouldBe("[5000 Cent]", "the words spell the total, not a line");
        (issued.PeriodFrom, issued.PeriodTo).ShouldBe((Day, Day.AddDays(5)));
        issued.Lines.Select(l => l.PaymentId).ShouldBe([P1, P2]);
    }

    [Fact]
    public void a_payment_never_appears_twice_on_a_receipt()
        => Should.Throw<InvariantViolatedException>(() => Issue([new ReceiptablePayment(DonationId, P1, Day, new Money(1)), new ReceiptablePayment(DonationId, P1, Day, new Money(1))]));

    [Fact]
    public void the_collective_endpoint_takes_only_payments_no_valid_receipt_states()
    {
        var d = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Assigned("2021-000001", P1), Paid(P2, 2_000, Day.AddDays(30))).State!;
        var payments = ReceiptDecision.CollectivePayments([d], Samples.Appeal(), new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31), null);
        payments.ShouldBe([new ReceiptablePayment(DonationId, P2, Day.AddDays(30), new Money(2_000))]);

        Should.Throw<DomainException>(() => ReceiptDecision.CollectivePayments([d], Samples.Appeal(), new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31), [P1]))
            .Kind.ShouldBe(RefusalKind.Conflict);
        Should.Throw<DomainException>(() => ReceiptDecision.CollectivePayments([d], Samples.Appeal(), new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31), [Guid.CreateVersion7()]))
            .Field.ShouldBe("paymentIds");
        var all = Spec.Donation().Given(Pledged(5_000), Paid(P1, 5_000, Day), Assigned("2021-000001", P1)).State!;
        Should.Throw<DomainException>(() => ReceiptDecision.CollectivePayments([all], Samples.Appeal(), new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31), null))
            .Kind.ShouldBe(RefusalKind.Conflict);
        Should.Throw<DomainException>(() => ReceiptDecision.CollectivePayments([d], Samples.Appeal(), new DateOnly(2022, 1, 1), new DateOnly(2022, 12, 31), null))
            .Kind.ShouldBe(RefusalKind.Invalid);
    }

    [Fact]
    public void a_cancelled_receipt_is_replaced_by_what_stayed_of_its_payments()
    {
        var spec = Spec.Donation().Given(Pledged(5_000), Paid(P1, 3_000, Day), Paid(P2, 2_000, Day.AddDays(1)), Assigned("2021-000001", P1, P2),
            Returned(Guid.CreateVersion7(), 500, Day.AddDays(3)), new ReceiptWithdrawn(DonationId, "2021-000001", "Rückbuchung", Samples.Now));
        var cancelled = Spec.Receipt().Given(
            Issue([new ReceiptablePayment(DonationId, P1, Day, new Money(3_000)), new ReceiptablePayment(DonationId, P2, Day.AddDays(1), new Money(2_000))]),
            new ReceiptCancelled("2021-000001", [DonationId], "Rückbuchung", null, Samples.Now)).State!;
        ReceiptDecision.Remaining(cancelled, new Dictionary<Guid, Donation> { [DonationId] = spec.State! })
            .Select(p => (p.PaymentId, p.Amount.Cents)).ShouldBe([(P1, 3_000L), (P2, 1_500L)]);
    }

    [Fact]
    public void money_passed_on_names_the_earmarked_municipality_or_else_the_appeals_recipient()
    {
        var appeal = Samples.Appeal();
        var earmarked = Spec.Donation().Given(Pledged(5_000)).State!;
        ReceiptDecision.UseFor(appeal, [earmarked]).ShouldBe(new PrintedUse(true, "die Kommune Stolberg (Rhld.)", null));
        var general = earmarked with { Earmarks = [new Earmark(null, null, new Money(5_000))] };
        ReceiptDecision.UseFor(appeal, [general]).ShouldBe(new PrintedUse(true, "die vom Hochwasser im Juli 2021 betroffenen Städte und Gemeinden", null));
        var two = earmarked with { Earmarks = [new Earmark("stolberg", null, new Money(2_000)), new Earmark("eschweiler", null, new Money(3_000))] };
        ReceiptDecision.UseFor(appeal, [two]).Recipient.ShouldBe("die Kommunen Stolberg (Rhld.) und Eschweiler");
        ReceiptDecision.UseFor(appeal with { GiftUse = GiftUse.UsedDirectly }, [earmarked]).ShouldBe(new PrintedUse(false, null, null));
    }

    [Fact]
    public void the_template_prints_the_applicable_alternative_word_for_word()
    {
        var t = ReceiptTemplate.Default;
        t.UseStatement(new PrintedUse(false, null, null)).ShouldBe("Die Zuwendung wird von uns unmittelbar für den angegebenen Zweck verwendet.");
        t.UseStatement(new PrintedUse(true, "die Kommune Stolberg (Rhld.)", null))
            .ShouldBe("Die Zuwendung wird entsprechend den Angaben des Zuwendenden an die Kommune Stolberg (Rhld.) weitergeleitet.");
        t.UseStatement(new PrintedUse(true, "den Förderverein Kita Sonnenschein e. V.", new RecipientExemption("Aachen-Stadt", "201/5555/1234", new DateOnly(2021, 3, 1))))
            .ShouldBe("Die Zuwendung wird entsprechend den Angaben des Zuwendenden an den Förderverein Kita Sonnenschein e. V. weitergeleitet, die/der vom Finanzamt "
                      + "Aachen-Stadt StNr. 201/5555/1234 mit Freistellungsbescheid bzw. nach der Anlage zum Körperschaftsteuerbescheid vom 01.03.2021 von der "
                      + "Körperschaftsteuer und Gewerbesteuer befreit ist.");
        t.IssuerLabel.ShouldContain("inländischen juristischen Person des öffentlichen Rechts oder der inländischen öffentlichen Dienststelle");
        t.SubtitlePublicBody.ShouldBe("im Sinne des § 10b des Einkommensteuergesetzes an inländische juristische Personen des öffentlichen Rechts oder inländische öffentliche Dienststellen");
        // Copies of receipts issued with the first wording keep it.
        ReceiptTemplate.For(ReceiptTemplate.V1.Version).UseStatement(null).ShouldBeNull();
        ReceiptTemplate.For(ReceiptTemplate.V1.Version).IssuerLabel.ShouldNotContain("inländisch");
    }

    private static readonly JsonSerializerOptions StoredJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    [Fact]
    public void events_stored_before_receipts_covered_payments_still_read()
    {
        // Shapes as stored by the first receipts release: no paymentId, no paymentIds, no use, no machine note.
        var line = JsonSerializer.Deserialize<ReceiptLine>("""{"donationId":"0197a3c0-0000-7000-8000-000000000001","date":"2021-11-20","amount":5000}""", StoredJson)!;
        line.PaymentId.ShouldBeNull();
        line.Amount.ShouldBe(new Money(5_000));
        var assigned = JsonSerializer.Deserialize<ReceiptAssigned>("""{"donationId":"0197a3c0-0000-7000-8000-000000000001","number":"2021-000001","assignedAt":"2021-11-21T10:00:00Z"}""", StoredJson)!;
        assigned.PaymentIds.ShouldBeNull();
        var opened = JsonSerializer.Deserialize<AppealOpened>(JsonSerializer.Serialize(Samples.AppealOpened() with { DisasterDate = null, GiftUse = null }, StoredJson)
            .Replace(",\"disasterDate\":null", "").Replace(",\"giftUse\":null", ""), StoredJson)!;
        var appeal = Spec.Appeal().Given(opened).State!;
        appeal.GiftUse.ShouldBe(GiftUse.UsedDirectly);
        appeal.DisasterDate.ShouldBeNull();
    }
}
