using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations;

/// <summary>
/// A donor's promise to give. <see cref="Earmarks"/> empty means one general earmark of the whole amount. The id, the
/// creditor reference, the hash of the donor link's token and the time are made by the caller. <see cref="Donor"/> is
/// personal data for the personal-data store (never for the event log, which gets its id only), so this command is
/// invoked in process and never sent through a durable queue.
/// </summary>
public sealed record PledgeDonation(
    Guid DonationId,
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    bool ReceiptWanted,
    DonorProfile? Donor,
    CreditorReference Reference,
    string DonorTokenHash,
    DateTimeOffset PledgedAt)
{
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

public static partial class DonationDecider
{
    public const int EarmarksMax = 20;

    public static IReadOnlyList<object> Decide(PledgeDonation command, Appeal? appeal)
    {
        if (appeal is null) throw DomainException.NotFound($"No appeal '{command.AppealId}'.");
        if (appeal.IsClosed) throw DomainException.Conflict($"The appeal '{appeal.AppealId}' is closed and takes no new pledges.");

        var limit = appeal.PledgeLimit < GiroCode.AmountMax ? appeal.PledgeLimit : GiroCode.AmountMax;
        if (!command.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (command.Amount > limit) throw DomainException.Invalid("amountCents", $"The amount must not exceed {limit}.");
        if (command.ReceiptWanted && command.Donor is not { HasPostalAddress: true })
            throw DomainException.Invalid("donor", "A donation receipt needs the donor's name and postal address (street, postal code, city).");

        var earmarks = command.Earmarks.Count == 0 ? [new Earmark(null, null, command.Amount)] : command.Earmarks;
        ValidateEarmarks(earmarks, command.Amount, appeal);

        return [new DonationPledged(command.DonationId, appeal.AppealId, command.Amount, earmarks, command.Reference, command.Donor?.Id, command.ReceiptWanted,
            command.DonorTokenHash, command.PledgedAt)];
    }

    /// <summary>Earmarks must name what the appeal offers, be positive, name each fund once and add up to the total.</summary>
    public static void ValidateEarmarks(IReadOnlyList<Earmark> earmarks, Money total, Appeal appeal)
    {
        if (earmarks.Count > EarmarksMax) throw DomainException.Invalid("earmarks", $"At most {EarmarksMax} earmarks.");
        var sum = Money.Zero;
        for (var i = 0; i < earmarks.Count; i++)
        {
            var e = earmarks[i];
            if (!e.Amount.IsPositive) throw DomainException.Invalid($"earmarks[{i}].amountCents", "Each earmark must be at least 1 cent.");
            if (e.MunicipalityId is { } m && appeal.FindMunicipality(m) is null)
                throw DomainException.Invalid($"earmarks[{i}].municipalityId", $"The appeal does not support municipality '{m}'.");
            if (e.PurposeId is { } p && appeal.FindPurpose(p) is null)
                throw DomainException.Invalid($"earmarks[{i}].purposeId", $"The appeal does not offer purpose '{p}'.");
            sum += e.Amount;
        }
        if (sum != total) throw DomainException.Invalid("earmarks", $"The earmarks add up to {sum}, not to the amount of {total}.");

        var twice = earmarks.GroupBy(e => e.Fund).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw DomainException.Invalid("earmarks", $"The fund '{twice.Key}' is named twice; combine the amounts.");
    }
}
