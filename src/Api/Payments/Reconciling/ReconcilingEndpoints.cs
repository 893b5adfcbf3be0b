using System.Security.Claims;
using FlutHilfe.Api.Donations;
using FlutHilfe.Api.Donations.Pledging;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

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

public sealed record BookAsDonationRequest(IReadOnlyList<EarmarkInput>? Earmarks);

public static class ReconcilingEndpoints
{
    private const int PageSizeMax = 500;

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
            d.Outstanding.Cents, DonationStatusText.Of(d.Status), proposal.DaysApart, reasons);
    }

    [WolverinePost("/api/payments/{paymentId}/book-as-donation", OperationId = "bookPaymentAsDonation")]
    [Authorize(Roles = Roles.Treasurer)]
    [EndpointSummary("Book an unmatched payment as a donation without pledge (treasurer)")]
    [ProducesResponseType<PaymentView>(200)]
    public static async Task<PaymentView> BookAsDonation(Guid paymentId, BookAsDonationRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
        => PaymentView.From(await BookAsDonationAsync(paymentId, request, bus, user, clock, ct));

    /// <summary>Booking a payment as a donation of its own, from the API and from the reconciliation page.</summary>
    public static async Task<Reconciled> BookAsDonationAsync(Guid paymentId, BookAsDonationRequest request, IMessageBus bus, ClaimsPrincipal user, TimeProvider clock,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var command = new BookPaymentAsDonation(paymentId, Guid.CreateVersion7(now), PaymentReference.New(), EarmarkInput.ToEarmarks(request.Earmarks),
            Access.Subject(user), now);
        return await bus.InvokeAsync<Reconciled>(command, ct);
    }
}

/// <summary>The payment's stream is loaded for writing by the workflow, the appeal read; the new donation's stream starts here.</summary>
public static class BookPaymentAsDonationHandler
{
    public static async Task<Appeal?> LoadAsync(BookPaymentAsDonation command, IEventStream<Payment> payment, IQuerySession session, CancellationToken ct)
        => payment.Aggregate is { } p ? await session.LoadAsync<Appeal>(AppealStream.IdFor(p.AppealId), ct) : null;

    public static (IStartStream, Reconciled) Handle(BookPaymentAsDonation command,
        [WriteAggregate(nameof(BookPaymentAsDonation.PaymentId), Required = false)] IEventStream<Payment> payment, Appeal? appeal)
    {
        var outcome = PaymentDecider.Decide(command, payment.Aggregate, appeal);
        payment.AppendMany(outcome.PaymentEvents);
        var donationEvents = outcome.EventsFor(command.DonationId);
        var donation = ((Donation?)null).After(donationEvents, DonationDecider.Evolve)!;
        return (MartenOps.StartStream<Donation>(command.DonationId, [.. donationEvents]),
            new Reconciled(payment.Aggregate!, payment.Aggregate.After(outcome.PaymentEvents, PaymentDecider.Evolve)!, [donation]));
    }
}
