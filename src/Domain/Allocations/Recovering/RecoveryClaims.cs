using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Allocations;

/// <summary>
/// After the proof-of-use review, money the municipality received and did not use is claimed back (DESIGN §7a):
/// <see cref="ClaimId"/> makes a retry harmless and gives the claim its creditor reference.
/// </summary>
public sealed record RaiseRecoveryClaim(Guid AllocationId, Guid ClaimId, Money Amount, DateOnly DueOn, string Reason, DateTimeOffset RecordedAt);

/// <summary>
/// A claim against the municipality: pay <see cref="Amount"/> by <see cref="DueOn"/> to the appeal's account with
/// <see cref="Reference"/> (an ISO 11649 RF reference, letters and digits, so it is never a pledge's) as the structured reference.
/// </summary>
public sealed record RecoveryClaimRaised(Guid AllocationId, string AppealId, string MunicipalityId, Guid ClaimId, Money Amount, DateOnly DueOn, string Reference,
    string Reason, DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>
/// A statement's credit with the claim's reference paid (part of) it; the same booking's <see cref="UnusedFundsReturned"/> puts
/// the money back into the funds the allocation drew on.
/// </summary>
public sealed record RecoveryClaimSettled(Guid AllocationId, string AppealId, string MunicipalityId, Guid ClaimId, Money Amount, DateOnly BookedOn, Guid PaymentId,
    DateTimeOffset RecordedAt) : IEventOf<Allocation>, IAllocationEvent;

/// <summary>A statement's credit naming a claim's reference.</summary>
public sealed record SettleRecoveryClaim(Guid AllocationId, Guid ClaimId, Money Amount, DateOnly BookedOn, Guid PaymentId, DateTimeOffset RecordedAt);

/// <summary>A claim as it stands: what was claimed and what has come back.</summary>
public sealed record RecoveryClaim(Guid ClaimId, Money Amount, DateOnly DueOn, string Reference, string Reason, DateTimeOffset RaisedAt, Money Settled)
{
    public Money Outstanding => Amount - Settled;
    public bool IsSettled => !Outstanding.IsPositive;
}

/// <summary>What a credit did to the claim it names.</summary>
public static class RecoveryOutcomes
{
    public const string Settled = "settled";
    public const string PartlySettled = "partly-settled";
    /// <summary>The claim is paid already, or the credit is more than is outstanding: it waits in the queue.</summary>
    public const string MoreThanOutstanding = "more-than-outstanding";
}

public static partial class AllocationDecider
{
    /// <summary>Money received and neither spent, paid back nor claimed yet.</summary>
    public static Money Recoverable(Allocation a)
        => a.Disbursed - a.Spent - a.ReturnedUnused - a.RecoveryClaims.Aggregate(Money.Zero, (s, c) => s + c.Outstanding);

    public static IReadOnlyList<object> Decide(RaiseRecoveryClaim c, Allocation? allocation)
    {
        var a = Existing(allocation, c.AllocationId);
        if (a.RecoveryClaims.Any(r => r.ClaimId == c.ClaimId)) return [];
        if (!c.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (a.ProofStatus is not (ProofStatus.Accepted or ProofStatus.Rejected))
            throw DomainException.Conflict("A recovery claim follows the review of the proof of use.");
        if (c.DueOn < GermanDate.DayOf(c.RecordedAt)) throw DomainException.Invalid("dueOn", "The due date lies in the past.");
        var recoverable = Recoverable(a);
        if (c.Amount > recoverable)
            throw DomainException.Conflict($"Only {recoverable} was disbursed and is neither spent, paid back nor claimed already.", "amountCents");
        return [new RecoveryClaimRaised(a.Id, a.AppealId, a.MunicipalityId, c.ClaimId, c.Amount, c.DueOn, CreditorReference.FromGuid(c.ClaimId).Value, c.Reason,
            c.RecordedAt)];
    }

    /// <summary>
    /// A credit up to what is outstanding settles the claim (partly or fully) and brings the money back to the funds; a credit
    /// beyond it changes nothing (the treasurer looks at it in the queue).
    /// </summary>
    public static StatementDecision Decide(SettleRecoveryClaim c, Allocation a)
    {
        var claim = a.RecoveryClaims.Single(r => r.ClaimId == c.ClaimId);
        var unused = a.Disbursed - a.Spent - a.ReturnedUnused;
        if (!c.Amount.IsPositive || c.Amount > claim.Outstanding || c.Amount > unused) return new(RecoveryOutcomes.MoreThanOutstanding, []);
        var back = new UnusedFundsReturned(a.Id, a.AppealId, a.MunicipalityId, c.PaymentId, c.Amount, c.BookedOn, claim.Reference, BackToFunds(a, c.Amount), c.RecordedAt);
        return new(c.Amount == claim.Outstanding ? RecoveryOutcomes.Settled : RecoveryOutcomes.PartlySettled,
            [new RecoveryClaimSettled(a.Id, a.AppealId, a.MunicipalityId, c.ClaimId, c.Amount, c.BookedOn, c.PaymentId, c.RecordedAt), back]);
    }
}
