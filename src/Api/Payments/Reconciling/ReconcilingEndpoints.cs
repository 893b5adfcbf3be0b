using FlutHilfe.Api.Appeals.Extending;
using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using System.Security.Claims;
using FlutHilfe.Api.Receipts;
using Wolverine;
using Wolverine.Http;

namespace FlutHilfe.Api.Payments.Reconciling;

/// <summary>
/// A payment waiting in the reconciliation queue. Payer name and text are capped at their SEPA lengths (70, 140);
/// <c>PayerNameLength</c> and <c>RemittanceTextLength</c> give the lengths the bank delivered. <c>NamedReferences</c>:
/// every valid RF the transfer names; <c>ReturnSignal</c>: for returns and returned transfers, what marked it
/// (RvslInd, RtrInf, BkTxCd/Domn, BkTxCd/Prtry).
/// </summary>
public sealed record UnmatchedPayment(
    Guid PaymentId,
    string AppealId,
    string Kind,
    long AmountCents,
    DateOnly BookingDate,
    DateOnly? ValueDate,
    string? PayerName,
    string? PayerIban,
    string? RemittanceText,
    string? StructuredReference,
    string? EndToEndId,
    string? ReturnReasonCode,
    int BatchTransactionCount,
    IReadOnlyList<ProposedDonation> Proposals,
    int? PayerNameLength,
    int? RemittanceTextLength,
    IReadOnlyList<string> NamedReferences,
    string? ReturnSignal,
    string? BankTransactionCode);

/// <summary>A reason a donation is proposed: a stable code, and the same in English and German words.</summary>
public sealed record ProposalReasonView(string Code, string Text, string TextDe);

/// <summary>A heuristic guess, best first. Never applied automatically. <see cref="Reason"/> joins the reasons' texts.</summary>
public sealed record ProposedDonation(Guid DonationId, string Reference, long PledgedCents, DateTimeOffset PledgedAt, string Reason,
    long OutstandingCents, string Status, int DaysApart, IReadOnlyList<ProposalReasonView> Reasons);

public sealed record MatchRequest(Guid? DonationId);

public sealed record UnmatchRequest(string? Reason);

public sealed record BookAsDonationRequest(IReadOnlyList<EarmarkInput>? Earmarks);

public sealed record SplitPartInput(Guid? DonationId, long? AmountCents);

public sealed record SplitRequest(IReadOnlyList<SplitPartInput>? Parts);

/// <summary>A payment after a reconciling command; <c>DonationStatus</c> is that of the (first) donation, <c>Parts</c> lists each.</summary>
public sealed record PaymentView(Guid PaymentId, string Status, Guid? DonationId, string? Method, long AmountCents, string DonationStatus,
    IReadOnlyList<PaymentPartView> Parts);

public sealed record PaymentPartView(Guid DonationId, long AmountCents, string DonationStatus);

public static class ReconcilingEndpoints
{
    private const int PageSizeMax = 500;
    private const int SplitPartsMax = 20;

    [WolverineGet("/api/payments/unmatched", OperationId = "listUnmatchedPayments")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Bank transactions waiting for a match, with ranked proposals and their reasons (treasurer, auditor)")]
    public static async Task<IReadOnlyList<UnmatchedPayment>> Unmatched(string? appealId, int? limit, IQuerySession session, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 100, 1, PageSizeMax);
        var query = session.Query<Payment>().Where(p => p.Status == PaymentStatus.Unmatched);
        if (appealId is not null) query = query.Where(p => p.AppealId == appealId);
        var payments = await query.OrderBy(p => p.BookingDate).ThenBy(p => p.RecordedAt).Take(take).ToListAsync(ct);

        var payers = (await session.LoadManyAsync<PayerDetails>(ct, payments.Select(p => p.Id).ToArray())).ToDictionary(p => p.Id);
        var proposals = await ProposalFinder.ForAsync(payments, payers, session, ct);
        return payments.Select(p =>
        {
            payers.TryGetValue(p.Id, out var payer);
            return new UnmatchedPayment(p.Id, p.AppealId, p.Kind.ToString(), p.Amount.Cents, p.BookingDate, p.ValueDate,
                payer?.Name, payer?.Iban, payer?.RemittanceText, p.StructuredReference, p.EndToEndId, p.ReturnReasonCode,
                p.BatchTransactionCount, proposals.GetValueOrDefault(p.Id)?.Select(View).ToList() ?? [],
                payer?.NameLength, payer?.RemittanceTextLength, p.NamedReferences, p.ReturnSignal, p.BankTransactionCode);
        }).ToList();
    }

    private static ProposedDonation View(Proposal proposal)
    {
        var reasons = proposal.Reasons.Select(ProposalTexts.For).ToList();
        var d = proposal.Donation;
        return new ProposedDonation(d.Id, d.Reference, d.PledgedCents, d.PledgedAt, string.Join("; ", reasons.Select(r => r.Text)),
            d.Outstanding.Cents, Donations.Viewing.DonorViewEndpoints.StatusText(d.Status), proposal.DaysApart, reasons);
    }

    [WolverinePost("/api/payments/{paymentId}/match", OperationId = "matchPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Match a bank transaction to a donation by hand (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<(PaymentView, OutgoingMessages)> Match(Guid paymentId, MatchRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var donationId = request.DonationId ?? throw DomainException.Invalid("donationId", "donationId is required.");
        var payment = await FetchPayment(session, paymentId, ct);
        var donation = await session.Events.FetchForWriting<Donation>(donationId, ct);
        if (donation.Aggregate is null) throw DomainException.Invalid("donationId", $"No donation {donationId}.");

        var outcome = MatchingDecision.Match(payment.Aggregate!, donation.Aggregate, MatchMethod.Treasurer, user.FindFirst("sub")?.Value, clock.GetUtcNow());
        payment.AppendMany(outcome.PaymentEvents);
        donation.AppendMany(outcome.DonationEvents);
        var after = outcome.DonationEvents.Aggregate(donation.Aggregate, DonationEvolution.Apply);
        var messages = new OutgoingMessages();
        messages.AddRange(ReceiptTriggers.After(after, outcome.DonationEvents));
        return (View(outcome, payment.Aggregate!, [donation.Aggregate]), messages);
    }

    [WolverinePost("/api/payments/{paymentId}/unmatch", OperationId = "unmatchPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Undo a wrong match (every part of a split); the payment returns to the queue (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<(PaymentView, OutgoingMessages)> Unmatch(Guid paymentId, UnmatchRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var payment = await FetchPayment(session, paymentId, ct);
        if (payment.Aggregate!.Parts.Count == 0) throw DomainException.Conflict($"Payment {paymentId} is not matched.");
        var streams = new Dictionary<Guid, JasperFx.Events.IEventStream<Donation>>();
        foreach (var part in payment.Aggregate.Parts) streams[part.DonationId] = await session.Events.FetchForWriting<Donation>(part.DonationId, ct);

        var outcome = MatchingDecision.Unmatch(payment.Aggregate, streams.ToDictionary(s => s.Key, s => s.Value.Aggregate!), reason, user.FindFirst("sub")?.Value, clock.GetUtcNow());
        payment.AppendMany(outcome.PaymentEvents);
        // A receipt that stated a withdrawn payment is cancelled (and what stays is receipted again).
        var messages = new OutgoingMessages();
        foreach (var change in outcome.Donations)
        {
            var stream = streams[change.DonationId];
            stream.AppendMany(change.Events);
            messages.AddRange(ReceiptTriggers.After(change.Events.Aggregate(stream.Aggregate!, DonationEvolution.Apply), change.Events));
        }
        return (View(outcome, payment.Aggregate, streams.Values.Select(s => s.Aggregate!).ToList()), messages);
    }

    [WolverinePost("/api/payments/{paymentId}/split", OperationId = "splitPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Book one transfer on several donations, in parts that add up to it (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<(PaymentView, OutgoingMessages)> Split(Guid paymentId, SplitRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var inputs = request.Parts ?? throw DomainException.Invalid("parts", "parts is required.");
        if (inputs.Count is < 2 or > SplitPartsMax) throw DomainException.Invalid("parts", $"A split has 2 to {SplitPartsMax} parts.");
        var payment = await FetchPayment(session, paymentId, ct);
        var streams = new List<JasperFx.Events.IEventStream<Donation>>();
        var parts = new List<(Donation, Money)>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var donationId = inputs[i].DonationId ?? throw DomainException.Invalid($"parts[{i}].donationId", "donationId is required.");
            var cents = inputs[i].AmountCents ?? throw DomainException.Invalid($"parts[{i}].amountCents", "amountCents is required.");
            if (streams.Any(s => s.Id == donationId)) throw DomainException.Invalid($"parts[{i}].donationId", "Each donation may appear once.");
            var stream = await session.Events.FetchForWriting<Donation>(donationId, ct);
            if (stream.Aggregate is null) throw DomainException.Invalid($"parts[{i}].donationId", $"No donation {donationId}.");
            streams.Add(stream);
            parts.Add((stream.Aggregate, new Money(cents)));
        }

        var outcome = MatchingDecision.Split(payment.Aggregate!, parts, MatchMethod.Treasurer, user.FindFirst("sub")?.Value, clock.GetUtcNow());
        payment.AppendMany(outcome.PaymentEvents);
        var messages = new OutgoingMessages();
        foreach (var change in outcome.Donations)
        {
            var stream = streams.Single(s => s.Id == change.DonationId);
            stream.AppendMany(change.Events);
            messages.AddRange(ReceiptTriggers.After(change.Events.Aggregate(stream.Aggregate!, DonationEvolution.Apply), change.Events));
        }
        return (View(outcome, payment.Aggregate!, streams.Select(s => s.Aggregate!).ToList()), messages);
    }

    [WolverinePost("/api/payments/{paymentId}/book-as-donation", OperationId = "bookPaymentAsDonation")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Book an unmatched payment as a donation without pledge (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<PaymentView> BookAsDonation(Guid paymentId, BookAsDonationRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var payment = await FetchPayment(session, paymentId, ct);
        var appeal = (await AppealStreams.FetchExisting(session, payment.Aggregate!.AppealId, ct)).Aggregate!;
        var earmarks = new PledgeRequest(payment.Aggregate.Amount.Cents, request.Earmarks, null, false).ToEarmarks();
        var now = clock.GetUtcNow();
        var donationId = Guid.CreateVersion7(now);

        var outcome = MatchingDecision.BookAsDonation(payment.Aggregate, donationId, PaymentReference.New(), earmarks, appeal, user.FindFirst("sub")?.Value, now);
        payment.AppendMany(outcome.PaymentEvents);
        session.Events.StartStream<Donation>(donationId, outcome.DonationEvents);
        var donation = Donation.Create((Domain.Donations.Receiving.DonationBookedFromPayment)outcome.DonationEvents[0]);
        return View(outcome, payment.Aggregate, [donation]);
    }

    private static async Task<JasperFx.Events.IEventStream<Payment>> FetchPayment(IDocumentSession session, Guid paymentId, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Payment>(paymentId, ct);
        return stream.Aggregate is null ? throw DomainException.NotFound($"No payment {paymentId}.") : stream;
    }

    private static PaymentView View(MatchOutcome outcome, Payment payment, IReadOnlyList<Donation> donations)
    {
        var after = outcome.PaymentEvents.Aggregate(payment, PaymentEvolution.Apply);
        var afterDonations = donations.Select(d => outcome.Donations.Where(c => c.DonationId == d.Id).SelectMany(c => c.Events)
            .Aggregate(d, DonationEvolution.Apply)).ToList();
        var parts = (after.Parts.Count > 0 ? after.Parts : payment.Parts)
            .Select(p => new PaymentPartView(p.DonationId, p.Amount.Cents,
                Donations.Viewing.DonorViewEndpoints.StatusText(afterDonations.First(d => d.Id == p.DonationId).Status)))
            .ToList();
        return new PaymentView(after.Id, after.Status.ToString(), after.DonationId, after.Method?.ToString(), after.Amount.Cents,
            parts.Count > 0 ? parts[0].DonationStatus : Donations.Viewing.DonorViewEndpoints.StatusText(afterDonations[0].Status), parts);
    }
}
