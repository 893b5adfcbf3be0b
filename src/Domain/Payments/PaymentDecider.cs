using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>
/// Every decision on a payment's stream: <c>Decide(command, payment, donations)</c>, pure, with ids and time inside the
/// command. Money meeting donations changes the payment's stream and each donation's stream together, so these decisions
/// return a <see cref="MatchOutcome"/> with the events of each. One part per feature folder (Matching, Reconciling); the
/// payment is folded by <see cref="Evolve"/>, the donations by <see cref="DonationDecider.Evolve"/>.
/// </summary>
public static partial class PaymentDecider
{
    /// <summary>The one fold of a payment's stream: Marten's snapshot, the command handlers and the specs use it.</summary>
    public static Payment? Evolve(Payment? payment, object @event) => (payment, @event) switch
    {
        (_, BankTransactionRecorded e) => Recorded(e),
        ({ } p, PaymentMatched e) => p with
        {
            Status = PaymentStatus.Matched, DonationId = e.DonationId, MatchParts = [new PaymentPart(e.DonationId, p.Amount)], Method = e.Method, ReturnOf = e.ReturnOf,
        },
        ({ } p, PaymentSplit e) => p with { Status = PaymentStatus.Matched, DonationId = null, MatchParts = e.Parts, Method = e.Method, ReturnOf = e.ReturnOf },
        ({ } p, PaymentAppliedToDisbursement e) => p with { Status = PaymentStatus.NotApplicable, AllocationId = e.AllocationId, DisbursementId = e.DisbursementId },
        ({ } p, PaymentAppliedToRefund) => p with { Status = PaymentStatus.NotApplicable },
        ({ } p, PaymentAppliedToRecoveryClaim e) => p with { Status = PaymentStatus.NotApplicable, AllocationId = e.AllocationId },
        ({ } p, PaymentUnmatched or PaymentSplitUndone) => p with { Status = PaymentStatus.Unmatched, DonationId = null, MatchParts = [], Method = null, ReturnOf = null },
        _ => payment,
    };

    private static Payment Recorded(BankTransactionRecorded e) => new()
    {
        Id = e.PaymentId,
        AppealId = e.AppealId,
        TransactionKey = e.TransactionKey,
        StatementId = e.StatementId,
        Kind = e.Kind,
        Reversal = e.Reversal,
        Amount = e.Amount,
        AmountCents = e.Amount.Cents,
        BookingDate = e.BookingDate,
        ValueDate = e.ValueDate,
        EndToEndId = e.EndToEndId,
        StructuredReference = e.StructuredReference,
        ReferenceInText = e.ReferenceInText,
        NamedReferences = e.NamedReferences ?? LegacyReferences(e),
        ReturnReasonCode = e.ReturnReasonCode,
        ReturnSignal = e.ReturnSignal,
        BankTransactionCode = e.BankTransactionCode,
        BatchTransactionCount = e.BatchTransactionCount,
        Status = e.Kind == PaymentKind.Debit ? PaymentStatus.NotApplicable : PaymentStatus.Unmatched,
        RecordedAt = e.RecordedAt,
    };

    /// <summary>Facts recorded before <see cref="BankTransactionRecorded.NamedReferences"/> existed kept one of each kind.</summary>
    private static IReadOnlyList<string> LegacyReferences(BankTransactionRecorded e)
        => new[] { e.StructuredReference, e.ReferenceInText }
            .Select(r => CreditorReference.TryParse(r, out var parsed, out _) ? parsed.Value : null)
            .OfType<string>().Distinct().ToList();
}

/// <summary>The streams that change together when money meets donations: the payment's and each donation's.</summary>
public sealed record MatchOutcome(IReadOnlyList<object> PaymentEvents, IReadOnlyList<DonationChange> Donations)
{
    public static readonly MatchOutcome Nothing = new([], Array.Empty<DonationChange>());

    public static MatchOutcome For(IReadOnlyList<object> paymentEvents, Guid donationId, IReadOnlyList<object> donationEvents)
        => new(paymentEvents, donationEvents.Count == 0 ? [] : [new DonationChange(donationId, donationEvents)]);

    /// <summary>All donation events in order (for a plain match: the one donation's).</summary>
    public IReadOnlyList<object> DonationEvents => Donations.SelectMany(d => d.Events).ToList();

    /// <summary>The events for one donation's stream.</summary>
    public IReadOnlyList<object> EventsFor(Guid donationId) => Donations.Where(d => d.DonationId == donationId).SelectMany(d => d.Events).ToList();
}
