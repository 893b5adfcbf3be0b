using System.Net.Mail;
using FlutHilfe.Api.Appeals.Opening;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Donations.Pledging;

public sealed record EarmarkInput(string? MunicipalityId, string? PurposeId, long? AmountCents)
{
    /// <summary>Earmarks as given (a pledge, a payment booked as a donation), naming the first offending field.</summary>
    public static IReadOnlyList<Earmark> ToEarmarks(IReadOnlyList<EarmarkInput>? earmarks)
    {
        if (earmarks is null) return [];
        if (earmarks.Count > DonationDecider.EarmarksMax)
            throw DomainException.Invalid("earmarks", $"At most {DonationDecider.EarmarksMax} earmarks.");
        return earmarks.Select((e, i) => new Earmark(
            Id(e.MunicipalityId, $"earmarks[{i}].municipalityId"),
            Id(e.PurposeId, $"earmarks[{i}].purposeId"),
            new Money(e.AmountCents ?? throw DomainException.Invalid($"earmarks[{i}].amountCents", "amountCents is required.")))).ToList();
    }

    private static string? Id(string? value, string field)
        => string.IsNullOrWhiteSpace(value) ? null : Slug.IsValid(value) ? value : throw DomainException.Invalid(field, $"'{value}' is not a known id.");
}

public sealed record DonorInput(string? Name, string? Street, string? PostalCode, string? City, string? Country, string? Email);

/// <remarks>RememberMe: Open a donor account: the answer's donorAccountUrl lists all of the donor's donations.
/// AccountToken: The token of a donor account: this pledge's donor is linked to the account's donor.</remarks>
public sealed record PledgeRequest(long? AmountCents, IReadOnlyList<EarmarkInput>? Earmarks, DonorInput? Donor, bool ReceiptWanted, bool RememberMe = false,
    string? AccountToken = null)
{
    public Money Amount => new(AmountCents ?? throw DomainException.Invalid("amountCents", "amountCents is required."));

    public IReadOnlyList<Earmark> ToEarmarks() => EarmarkInput.ToEarmarks(Earmarks);

    /// <summary>Donor details for the personal-data store, or null when the donor stays anonymous.</summary>
    public DonorProfile? ToDonorProfile(Guid donorId, DateTimeOffset now)
    {
        if (Donor is null) return null;
        var d = Donor;
        var profile = new DonorProfile(
            donorId,
            Text.OptionalLine(d.Name, "donor.name", 70),
            Text.OptionalLine(d.Street, "donor.street", 70),
            Text.OptionalLine(d.PostalCode, "donor.postalCode", 10),
            Text.OptionalLine(d.City, "donor.city", 70),
            Inputs.Country(d.Country, "donor.country"),
            Email(d.Email),
            now);
        return profile is { Name: null, Street: null, PostalCode: null, City: null, Email: null } ? null : profile;
    }

    private static string? Email(string? value)
    {
        var email = Text.OptionalLine(value, "donor.email", 254);
        if (email is null) return null;
        var valid = MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && email.Count(c => c == '@') == 1
                    && parsed.Host.Contains('.') && !email.Any(char.IsWhiteSpace);
        return valid ? email : throw DomainException.Invalid("donor.email", $"'{email}' is not an e-mail address.");
    }
}
