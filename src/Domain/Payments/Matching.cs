using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>Two streams change together when money meets a donation: the payment's and the donation's.</summary>
public sealed record MatchOutcome(IReadOnlyList<object> PaymentEvents, IReadOnlyList<object> DonationEvents)
{
    public static readonly MatchOutcome Nothing = new([], []);
}

public static class MatchingDecision
{
    /// <summary>
    /// The references to look a donation up by, in the order of trust (DESIGN §5): the structured RF,
    /// then an RF the donor typed into the free text, then the EndToEndId.
    /// </summary>
    public static IEnumerable<(string Reference, MatchMethod Method)> Candidates(Payment payment)
    {
        if (Normalize(payment.StructuredReference) is { } structured) yield return (structured, MatchMethod.StructuredReference);
        if (payment.ReferenceInText is { } inText) yield return (inText, MatchMethod.ReferenceInRemittanceText);
        if (Normalize(payment.EndToEndId) is { } endToEnd) yield return (endToEnd, MatchMethod.EndToEndId);
    }

    /// <summary>RF references compare in electronic form; anything that is not a valid RF cannot match.</summary>
    public static string? Normalize(string? reference)
        => CreditorReference.TryParse(reference, out var parsed, out _) ? parsed.Value : null;

    public static MatchOutcome Match(Payment payment, Donation donation, MatchMethod method, string? by, DateTimeOffset now)
    {
        if (payment.Status == PaymentStatus.Matched)
        {
            return payment.DonationId == donation.Id
                ? MatchOutcome.Nothing
                : throw DomainException.Conflict($"Payment {payment.Id} is already matched to donation {payment.DonationId}; unmatch it first.");
        }
        if (payment.Kind is PaymentKind.Debit or PaymentKind.BatchWithoutDetails)
            throw DomainException.Conflict($"A {payment.Kind} booking cannot be matched to a donation.");
        if (payment.AppealId != donation.AppealId)
            throw DomainException.Invalid("donationId", "The donation belongs to another appeal than the bank account of this payment.");

        var donationEvents = payment.Kind == PaymentKind.Return
            ? ReceivingDecision.Return(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ReturnReasonCode, now)
            : ReceivingDecision.Receive(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ValueDate, now);
        return new MatchOutcome([new PaymentMatched(payment.Id, donation.Id, method, by, now)], donationEvents);
    }

    public static MatchOutcome Unmatch(Payment payment, Donation donation, string reason, string? by, DateTimeOffset now)
    {
        if (payment.Status != PaymentStatus.Matched || payment.DonationId != donation.Id)
            throw DomainException.Conflict($"Payment {payment.Id} is not matched.");
        if (payment.Kind == PaymentKind.Return)
            throw DomainException.Conflict("A bank return cannot be unmatched; record the correcting booking instead.");
        return new MatchOutcome(
            [new PaymentUnmatched(payment.Id, donation.Id, reason, by, now)],
            ReceivingDecision.Withdraw(donation, payment.Id, reason, now));
    }

    /// <summary>A payment nobody pledged: the treasurer books it as a donation of its own (general fund unless earmarked).</summary>
    public static MatchOutcome BookAsDonation(Payment payment, Guid donationId, CreditorReference reference, IReadOnlyList<Earmark> earmarks,
        Appeals.Appeal appeal, string? by, DateTimeOffset now)
    {
        if (payment.Status != PaymentStatus.Unmatched || payment.Kind != PaymentKind.Credit)
            throw DomainException.Conflict("Only an unmatched credit can be booked as a donation.");
        var parts = earmarks.Count == 0 ? [new Earmark(null, null, payment.Amount)] : earmarks;
        // The money is already here: the appeal's pledge limit and closing do not apply, the earmark rules do.
        Donations.Pledging.PledgingDecision.ValidateEarmarks(parts, payment.Amount, appeal);
        var booked = new DonationBookedFromPayment(donationId, appeal.Slug, payment.Amount, parts, reference, payment.Id, now);
        var donation = Donation.Create(booked);
        return new MatchOutcome(
            [new PaymentMatched(payment.Id, donationId, MatchMethod.BookedAsDonation, by, now)],
            [booked, .. ReceivingDecision.Receive(donation, payment.Id, payment.Amount, payment.BookingDate, payment.ValueDate, now)]);
    }
}
