using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donations.Pledging;

/// <summary>A donor's promise to give. <see cref="Earmarks"/> empty means one general earmark of the whole amount.</summary>
public sealed record PledgeDonation(
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    bool ReceiptWanted,
    bool DonorHasPostalAddress);

/// <summary>
/// The pledge as a fact. Carries a donor id, never the person: name, address and e-mail live in the
/// personal-data store under <see cref="DonorId"/> (DESIGN §9).
/// </summary>
public sealed record DonationPledged(
    Guid DonationId,
    string AppealId,
    Money Amount,
    IReadOnlyList<Earmark> Earmarks,
    CreditorReference Reference,
    Guid? DonorId,
    bool ReceiptWanted,
    string DonorTokenHash,
    DateTimeOffset PledgedAt);

public static class PledgingDecision
{
    public const int EarmarksMax = 20;

    public static IReadOnlyList<object> Decide(
        PledgeDonation command, Appeal appeal, Guid donationId, CreditorReference reference, Guid? donorId,
        string donorTokenHash, DateTimeOffset now)
    {
        if (appeal.IsClosed) throw DomainException.Conflict($"The appeal '{appeal.Slug}' is closed and takes no new pledges.");

        var limit = appeal.PledgeLimit < GiroCode.AmountMax ? appeal.PledgeLimit : GiroCode.AmountMax;
        if (!command.Amount.IsPositive) throw DomainException.Invalid("amountCents", "The amount must be at least 1 cent.");
        if (command.Amount > limit) throw DomainException.Invalid("amountCents", $"The amount must not exceed {limit}.");
        if (command.ReceiptWanted && !command.DonorHasPostalAddress)
            throw DomainException.Invalid("donor", "A donation receipt needs the donor's name and postal address (street, postal code, city).");

        var earmarks = command.Earmarks.Count == 0 ? [new Earmark(null, null, command.Amount)] : command.Earmarks;
        ValidateEarmarks(earmarks, command.Amount, appeal);

        return [new DonationPledged(donationId, appeal.Slug, command.Amount, earmarks, reference, donorId, command.ReceiptWanted, donorTokenHash, now)];
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
