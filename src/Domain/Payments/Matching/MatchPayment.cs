using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>
/// Book a payment on one donation: money in is received, a bank return is taken back. <see cref="ReturnOf"/>: for a
/// return, the payment it gives back. Matching the same donation again decides nothing; another donation is a conflict.
/// </summary>
public sealed record MatchPayment(Guid PaymentId, Guid DonationId, MatchMethod Method, string? By, DateTimeOffset MatchedAt, Guid? ReturnOf = null);

/// <summary>
/// Book one payment on several donations, each part on its own donation (a transfer naming several pledges, a split by
/// hand, or the return of a split transfer). The parts are positive, name each donation once, belong to the payment's
/// appeal and add up to the payment.
/// </summary>
public sealed record SplitPayment(Guid PaymentId, IReadOnlyList<PaymentPart> Parts, MatchMethod Method, string? By, DateTimeOffset SplitAt, Guid? ReturnOf = null);

public static partial class PaymentDecider
{
    public static MatchOutcome Decide(MatchPayment command, Payment? payment, Donation? donation)
    {
        var p = Existing(payment, command.PaymentId);
        var d = donation ?? throw DomainException.Invalid("donationId", $"No donation {command.DonationId}.");
        if (p.Status == PaymentStatus.Matched)
        {
            return p.DonationId == d.Id
                ? MatchOutcome.Nothing
                : throw DomainException.Conflict($"Payment {p.Id} is already matched ({Describe(p)}); unmatch it first.");
        }
        RefuseKindsThatAreNoDonation(p);
        if (p.AppealId != d.AppealId)
            throw DomainException.Invalid("donationId", "The donation belongs to another appeal than the bank account of this payment.");

        var donationEvents = p.Kind == PaymentKind.Return
            ? DonationDecider.Decide(new ReturnPayment(d.Id, p.Id, p.Amount, p.BookingDate, p.ReturnReasonCode, command.MatchedAt), d)
            : DonationDecider.Decide(new ReceivePayment(d.Id, p.Id, p.Amount, p.BookingDate, p.ValueDate, command.MatchedAt), d);
        return MatchOutcome.For([new PaymentMatched(p.Id, d.Id, command.Method, command.By, command.MatchedAt, command.ReturnOf)], d.Id, donationEvents);
    }

    /// <summary>
    /// Each donation stream gets a fact for its part (a receipt of money, or for a return the money taken back), and the
    /// payment stream one <see cref="PaymentSplit"/> listing the parts. <paramref name="donations"/> holds the donations
    /// that exist; a part naming another is refused.
    /// </summary>
    public static MatchOutcome Decide(SplitPayment command, Payment? payment, IReadOnlyDictionary<Guid, Donation> donations)
    {
        var p = Existing(payment, command.PaymentId);
        var parts = command.Parts;
        if (p.Status == PaymentStatus.Matched)
        {
            var same = p.Parts.Count == parts.Count && parts.All(p.Parts.Contains);
            return same ? MatchOutcome.Nothing : throw DomainException.Conflict($"Payment {p.Id} is already matched ({Describe(p)}); unmatch it first.");
        }
        RefuseKindsThatAreNoDonation(p);
        if (parts.Count < 2) throw DomainException.Invalid("parts", "A split needs at least two donations.");
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (parts.Take(i).Any(x => x.DonationId == part.DonationId)) throw DomainException.Invalid($"parts[{i}].donationId", "Each donation may appear once.");
            if (!donations.TryGetValue(part.DonationId, out var donation)) throw DomainException.Invalid($"parts[{i}].donationId", $"No donation {part.DonationId}.");
            if (!part.Amount.IsPositive) throw DomainException.Invalid($"parts[{i}].amountCents", "Each part must be positive.");
            if (donation.AppealId != p.AppealId)
                throw DomainException.Invalid($"parts[{i}].donationId", "The donation belongs to another appeal than the bank account of this payment.");
        }
        var total = parts.Aggregate(Money.Zero, (sum, x) => sum + x.Amount);
        if (total != p.Amount)
            throw DomainException.Invalid("parts", $"The parts add up to {total}, the payment is {p.Amount}.");

        var changes = parts.Select(x => new DonationChange(x.DonationId, p.Kind == PaymentKind.Return
                ? DonationDecider.Decide(new ReturnPayment(x.DonationId, p.Id, x.Amount, p.BookingDate, p.ReturnReasonCode, command.SplitAt), donations[x.DonationId])
                : DonationDecider.Decide(new ReceivePayment(x.DonationId, p.Id, x.Amount, p.BookingDate, p.ValueDate, command.SplitAt, p.Amount), donations[x.DonationId])))
            .Where(c => c.Events.Count > 0).ToList();
        return new MatchOutcome([new PaymentSplit(p.Id, parts, command.Method, command.By, command.SplitAt, command.ReturnOf)], changes);
    }

    private static Payment Existing(Payment? payment, Guid paymentId) => payment ?? throw DomainException.NotFound($"No payment {paymentId}.");

    private static void RefuseKindsThatAreNoDonation(Payment payment)
    {
        if (payment.Kind is PaymentKind.Debit or PaymentKind.BatchWithoutDetails)
            throw DomainException.Conflict($"A {payment.Kind} booking cannot be matched to a donation.");
        if (payment.Kind == PaymentKind.ReturnedTransfer)
            throw DomainException.Conflict("Money of ours that came back (a returned transfer) is never a donation; it waits for the money-out booking it belongs to.");
    }

    private static string Describe(Payment payment)
        => payment.IsSplit ? $"split across {payment.Parts.Count} donations" : $"to donation {payment.DonationId}";
}
