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
    IReadOnlyList<ProposedDonation> Proposals);

/// <summary>A heuristic guess (same amount, still unpaid). Never applied automatically.</summary>
public sealed record ProposedDonation(Guid DonationId, string Reference, long PledgedCents, DateTimeOffset PledgedAt, string Reason);

public sealed record MatchRequest(Guid? DonationId);

public sealed record UnmatchRequest(string? Reason);

public sealed record BookAsDonationRequest(IReadOnlyList<EarmarkInput>? Earmarks);

public sealed record PaymentView(Guid PaymentId, string Status, Guid? DonationId, string? Method, long AmountCents, string DonationStatus);

public static class ReconcilingEndpoints
{
    private const int PageSizeMax = 500;

    [WolverineGet("/api/payments/unmatched", OperationId = "listUnmatchedPayments")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Bank transactions waiting for a match, with proposals (treasurer, auditor)")]
    public static async Task<IReadOnlyList<UnmatchedPayment>> Unmatched(string? appealId, int? limit, IQuerySession session, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 100, 1, PageSizeMax);
        var query = session.Query<Payment>().Where(p => p.Status == PaymentStatus.Unmatched);
        if (appealId is not null) query = query.Where(p => p.AppealId == appealId);
        var payments = await query.OrderBy(p => p.BookingDate).ThenBy(p => p.RecordedAt).Take(take).ToListAsync(ct);

        var payers = (await session.LoadManyAsync<PayerDetails>(ct, payments.Select(p => p.Id).ToArray())).ToDictionary(p => p.Id);
        var result = new List<UnmatchedPayment>(payments.Count);
        foreach (var p in payments)
        {
            payers.TryGetValue(p.Id, out var payer);
            var proposals = p.Kind == PaymentKind.Credit ? await ProposeAsync(p, session, ct) : [];
            result.Add(new UnmatchedPayment(p.Id, p.AppealId, p.Kind.ToString(), p.Amount.Cents, p.BookingDate, p.ValueDate,
                payer?.Name, payer?.Iban, payer?.RemittanceText, p.StructuredReference, p.EndToEndId, p.ReturnReasonCode,
                p.BatchTransactionCount, proposals));
        }
        return result;
    }

    private static async Task<IReadOnlyList<ProposedDonation>> ProposeAsync(Payment p, IQuerySession session, CancellationToken ct)
    {
        var sameAmount = await session.Query<Donation>()
            .Where(d => d.AppealId == p.AppealId && d.PledgedCents == p.Amount.Cents)
            .OrderByDescending(d => d.PledgedAt).Take(10).ToListAsync(ct);
        return sameAmount.Where(d => d.Status == DonationStatus.Pledged).Take(3)
            .Select(d => new ProposedDonation(d.Id, d.Reference, d.PledgedCents, d.PledgedAt, "same amount, not yet paid")).ToList();
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
        return (View(outcome, payment.Aggregate!, donation.Aggregate), messages);
    }

    [WolverinePost("/api/payments/{paymentId}/unmatch", OperationId = "unmatchPayment")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Undo a wrong match; the payment returns to the queue (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<(PaymentView, OutgoingMessages)> Unmatch(Guid paymentId, UnmatchRequest request, IDocumentSession session, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var reason = Text.Require(request.Reason, "reason", 500);
        var payment = await FetchPayment(session, paymentId, ct);
        var donationId = payment.Aggregate!.DonationId ?? throw DomainException.Conflict($"Payment {paymentId} is not matched.");
        var donation = await session.Events.FetchForWriting<Donation>(donationId, ct);

        var outcome = MatchingDecision.Unmatch(payment.Aggregate, donation.Aggregate!, reason, user.FindFirst("sub")?.Value, clock.GetUtcNow());
        payment.AppendMany(outcome.PaymentEvents);
        donation.AppendMany(outcome.DonationEvents);
        // A receipt that stated the withdrawn payment is cancelled (and what stays receipted again).
        var messages = new OutgoingMessages();
        messages.AddRange(ReceiptTriggers.After(outcome.DonationEvents.Aggregate(donation.Aggregate!, DonationEvolution.Apply), outcome.DonationEvents));
        return (View(outcome, payment.Aggregate, donation.Aggregate!), messages);
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
        return View(outcome, payment.Aggregate, donation);
    }

    private static async Task<JasperFx.Events.IEventStream<Payment>> FetchPayment(IDocumentSession session, Guid paymentId, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Payment>(paymentId, ct);
        return stream.Aggregate is null ? throw DomainException.NotFound($"No payment {paymentId}.") : stream;
    }

    private static PaymentView View(MatchOutcome outcome, Payment payment, Donation donation)
    {
        var after = outcome.PaymentEvents.Aggregate(payment, (p, e) => e switch
        {
            PaymentMatched m => p.Apply(m),
            PaymentUnmatched u => p.Apply(u),
            _ => p,
        });
        var donationAfter = outcome.DonationEvents.Aggregate(donation, DonationEvolution.Apply);
        return new PaymentView(after.Id, after.Status.ToString(), after.DonationId, after.Method?.ToString(), after.Amount.Cents,
            Donations.Viewing.DonorViewEndpoints.StatusText(donationAfter.Status));
    }
}
