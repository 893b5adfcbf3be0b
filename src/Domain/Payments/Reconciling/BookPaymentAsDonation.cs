using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Payments;

/// <summary>
/// A payment nobody pledged, booked by the treasurer as a donation of its own (the general fund unless earmarked). The
/// new donation's id and creditor reference are made by the caller.
/// </summary>
public sealed record BookPaymentAsDonation(Guid PaymentId, Guid DonationId, CreditorReference Reference, IReadOnlyList<Earmark> Earmarks, string? By,
    DateTimeOffset BookedAt);

public static partial class PaymentDecider
{
    /// <summary>Starts the donation's stream and matches the payment to it. The money is already here: the appeal's pledge
    /// limit and closing do not apply, the earmark rules do.</summary>
    public static MatchOutcome Decide(BookPaymentAsDonation command, Payment? payment, Appeal? appeal)
    {
        var p = Existing(payment, command.PaymentId);
        if (appeal is null) throw DomainException.NotFound($"No appeal '{p.AppealId}'.");
        if (p.Status != PaymentStatus.Unmatched || p.Kind != PaymentKind.Credit)
            throw DomainException.Conflict("Only an unmatched credit can be booked as a donation.");
        var parts = command.Earmarks.Count == 0 ? [new Earmark(null, null, p.Amount)] : command.Earmarks;
        DonationDecider.ValidateEarmarks(parts, p.Amount, appeal);
        var booked = new DonationBookedFromPayment(command.DonationId, appeal.AppealId, p.Amount, parts, command.Reference, p.Id, command.BookedAt);
        var donation = DonationDecider.Evolve(null, booked)!;
        return MatchOutcome.For(
            [new PaymentMatched(p.Id, command.DonationId, MatchMethod.BookedAsDonation, command.By, command.BookedAt)],
            command.DonationId,
            [booked, .. DonationDecider.Decide(new ReceivePayment(command.DonationId, p.Id, p.Amount, p.BookingDate, p.ValueDate, command.BookedAt), donation)]);
    }
}
