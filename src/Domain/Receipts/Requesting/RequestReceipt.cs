using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

/// <summary>
/// The holder of the donor link (<see cref="Token"/>) asks for a receipt after pledging, giving the postal address when it
/// is not yet known (<see cref="Donor"/>: what the donor gave now, personal data, so the command runs in process only).
/// </summary>
public sealed record RequestReceipt(Guid DonationId, string? Token, DonorProfile? Donor, DateTimeOffset RequestedAt);

/// <summary>
/// What a receipt request decides: the events for the donation and the donor the receipt is made out to
/// (<see cref="ProfileChanged"/>: the donor gave new details, which the personal-data store must keep); or, when every
/// payment is already on a valid receipt, that number (then nothing changes).
/// </summary>
public sealed record ReceiptRequestDecision(IReadOnlyList<object> Events, DonorProfile? Profile, bool ProfileChanged, string? AlreadyIssuedAs);

public static partial class ReceiptDecider
{
    /// <summary>
    /// A wrong or missing token is refused exactly like an unknown donation. What the donor gives now wins over what was
    /// known, except an e-mail address the donor does not repeat. A receipt needs a name and a postal address. Asked
    /// again by the same donor: nothing new.
    /// </summary>
    public static ReceiptRequestDecision Decide(RequestReceipt command, Donation? donation, DonorProfile? known)
        => Decide(command, donation, known, (token, d) => DonorToken.Matches(token, d.DonorTokenHash));

    /// <summary>
    /// As above, with the service's check of the donor link (<paramref name="holdsLink"/>: the pledge-time token or a mailed
    /// one, whose key the domain does not know).
    /// </summary>
    public static ReceiptRequestDecision Decide(RequestReceipt command, Donation? donation, DonorProfile? known, Func<string?, Donation, bool> holdsLink)
    {
        if (donation is null || !holdsLink(command.Token, donation)) throw DomainException.NotFound("No such donation.");
        if (donation.ReceiptNumber is { } existing && ReceiptCoverage.Open(donation).Count == 0) return new ReceiptRequestDecision([], null, false, existing);

        var given = command.Donor is null ? null : known is null ? command.Donor : command.Donor with { Id = known.Id, Email = command.Donor.Email ?? known.Email };
        var profile = given ?? known;
        if (profile is not { HasPostalAddress: true })
            throw DomainException.Invalid("donor", "A donation receipt needs the donor's name and postal address (street, postal code, city).");
        IReadOnlyList<object> events = donation.ReceiptWanted && donation.DonorId == profile.Id ? [] : [new ReceiptRequested(donation.Id, profile.Id, command.RequestedAt)];
        return new ReceiptRequestDecision(events, profile, given is not null, null);
    }
}
