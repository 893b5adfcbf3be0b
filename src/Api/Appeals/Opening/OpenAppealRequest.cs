using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Api.Appeals.Opening;

public sealed record AddressInput(string? Street, string? PostalCode, string? City, string? Country);

public sealed record IssuerInput(string? Name, AddressInput? Address);

public sealed record AccountInput(string? Iban, string? Bic, string? Holder);

public sealed record WindowInput(DateOnly? From, DateOnly? To);

public sealed record PurposeInput(string? Id, string? Name, string? Description);

public sealed record MunicipalityInput(string? Id, string? Name, string? District);

/// <summary>Whether the receipts say the money is used directly or passed on, and to whom.</summary>
public sealed record GiftUseInput(bool PassedOn, string? Recipient, ExemptionInput? Exemption);

/// <summary>The exemption notice of a recipient that is a tax-exempt corporation.</summary>
public sealed record ExemptionInput(string? TaxOffice, string? TaxNumber, DateOnly? NoticeDate);

public sealed record OpenAppealRequest(
    string? AppealId,
    string? Title,
    string? Description,
    IssuerInput? Beneficiary,
    AccountInput? Account,
    bool IsDisasterSpecialAccount,
    WindowInput? SimplifiedProof,
    IReadOnlyList<PurposeInput>? Purposes,
    IReadOnlyList<MunicipalityInput>? Municipalities,
    string? ReceiptSignatory,
    DateOnly? ProofOfUseDeadline,
    long? PledgeLimitCents,
    DateOnly? DisasterDate = null,
    GiftUseInput? GiftUse = null)
{
    public const int PurposesMax = 50;
    public const int MunicipalitiesMax = 500;

    /// <summary>Turns raw input into a command, naming the first offending field.</summary>
    public OpenAppeal ToCommand(DateTimeOffset now)
    {
        var purposes = Purposes ?? throw DomainException.Invalid("purposes", "purposes is required.");
        var municipalities = Municipalities ?? throw DomainException.Invalid("municipalities", "municipalities is required.");
        if (purposes.Count > PurposesMax) throw DomainException.Invalid("purposes", $"At most {PurposesMax} purposes.");
        if (municipalities.Count > MunicipalitiesMax) throw DomainException.Invalid("municipalities", $"At most {MunicipalitiesMax} municipalities.");

        return new OpenAppeal(
            Slug.Require(AppealId, "appealId"),
            Text.RequireLine(Title, "title", 200),
            Text.Optional(Description, "description", 4000) ?? "",
            Inputs.Issuer(Beneficiary, "beneficiary"),
            Inputs.Account(Account, "account"),
            IsDisasterSpecialAccount,
            SimplifiedProof is null ? null : new SimplifiedProofWindow(
                SimplifiedProof.From ?? throw DomainException.Invalid("simplifiedProof.from", "simplifiedProof.from is required."),
                SimplifiedProof.To ?? throw DomainException.Invalid("simplifiedProof.to", "simplifiedProof.to is required.")),
            purposes.Select((p, i) => Inputs.Purpose(p, $"purposes[{i}]")).ToList(),
            municipalities.Select((m, i) => Inputs.Municipality(m, $"municipalities[{i}]")).ToList(),
            Text.RequireLine(ReceiptSignatory, "receiptSignatory", 200),
            ProofOfUseDeadline ?? throw DomainException.Invalid("proofOfUseDeadline", "proofOfUseDeadline is required."),
            new Money(PledgeLimitCents ?? Domain.Donations.Pledging.GiroCode.AmountMax.Cents),
            now,
            DisasterDate,
            Inputs.GiftUse(GiftUse, "giftUse"));
    }
}

public static class Inputs
{
    public static PostalAddress Address(AddressInput? a, string field)
    {
        if (a is null) throw DomainException.Invalid(field, $"{field} is required.");
        return new PostalAddress(
            Text.RequireLine(a.Street, field + ".street", 70),
            Text.RequireLine(a.PostalCode, field + ".postalCode", 10),
            Text.RequireLine(a.City, field + ".city", 70),
            Country(a.Country, field + ".country"));
    }

    public static string Country(string? country, string field)
    {
        var value = (country ?? "DE").Trim().ToUpperInvariant();
        return value.Length == 2 && value.All(char.IsAsciiLetterUpper)
            ? value
            : throw DomainException.Invalid(field, "country must be a two-letter ISO 3166 code such as DE.");
    }

    public static Issuer Issuer(IssuerInput? i, string field)
    {
        if (i is null) throw DomainException.Invalid(field, $"{field} is required.");
        return new Issuer(Text.RequireLine(i.Name, field + ".name", 70), Address(i.Address, field + ".address"));
    }

    public static BankAccount Account(AccountInput? a, string field)
    {
        if (a is null) throw DomainException.Invalid(field, $"{field} is required.");
        if (!Iban.TryParse(a.Iban, out var iban, out var ibanError))
            throw DomainException.Invalid(field + ".iban", ibanError ?? "Invalid IBAN.");
        Bic? bic = null;
        if (!string.IsNullOrWhiteSpace(a.Bic))
        {
            if (!Bic.TryParse(a.Bic, out var parsed, out var bicError))
                throw DomainException.Invalid(field + ".bic", bicError ?? "Invalid BIC.");
            bic = parsed;
        }
        return new BankAccount(iban, bic, Text.RequireLine(a.Holder, field + ".holder", 70));
    }

    public static GiftUse? GiftUse(GiftUseInput? g, string field)
    {
        if (g is null) return null;
        if (!g.PassedOn)
        {
            if (!string.IsNullOrWhiteSpace(g.Recipient) || g.Exemption is not null)
                throw DomainException.Invalid(field + ".recipient", "Money used directly has no recipient to name.");
            return Domain.Appeals.GiftUse.UsedDirectly;
        }
        var exemption = g.Exemption is not { } x ? null : new RecipientExemption(
            Text.Require(x.TaxOffice, field + ".exemption.taxOffice", 100),
            Text.Require(x.TaxNumber, field + ".exemption.taxNumber", 30),
            x.NoticeDate ?? throw DomainException.Invalid(field + ".exemption.noticeDate", "noticeDate is required."));
        return new GiftUse(true, Text.Require(g.Recipient, field + ".recipient", 300), exemption);
    }

    public static Purpose Purpose(PurposeInput p, string field)
        => new(Slug.Require(p.Id, field + ".id"), Text.RequireLine(p.Name, field + ".name", 200), Text.Optional(p.Description, field + ".description", 1000));

    public static Municipality Municipality(MunicipalityInput m, string field)
        => new(Slug.Require(m.Id, field + ".id"), Text.RequireLine(m.Name, field + ".name", 200), Text.OptionalLine(m.District, field + ".district", 200));
}
