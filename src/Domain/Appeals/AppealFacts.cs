using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>A postal address as printed on letters and receipts.</summary>
public sealed record PostalAddress(string Street, string PostalCode, string City, string Country);

/// <summary>The body that receives the money and issues receipts (a domestic public-law body).</summary>
public sealed record Issuer(string Name, PostalAddress Address);

/// <summary>The appeal's own bank account: public, printed on every payment request.</summary>
public sealed record BankAccount(Iban Iban, Bic? Bic, string Holder);

/// <summary>
/// Simplified proof of donation (§ 50 Abs. 4 EStDV): in a declared disaster, donations paid into a
/// special account within this window need no receipt; the bank statement suffices.
/// </summary>
public sealed record SimplifiedProofWindow(DateOnly From, DateOnly To);

public sealed record Purpose(string Id, string Name, string? Description);

public sealed record Municipality(string Id, string Name, string? District);

/// <summary>
/// What the receipts say about the use of the gifts (BMF template): used directly by the issuer
/// (<see cref="PassedOn"/> false), or passed on, as the donor specified, to <see cref="Recipient"/> (e.g. the
/// municipalities hit by the flood). <see cref="Exemption"/> only for a recipient that is a tax-exempt corporation.
/// </summary>
public sealed record GiftUse(bool PassedOn, string? Recipient, RecipientExemption? Exemption)
{
    public static readonly GiftUse UsedDirectly = new(false, null, null);
}

/// <summary>The tax office's exemption notice of a recipient corporation (Freistellungsbescheid or Anlage zum Körperschaftsteuerbescheid).</summary>
public sealed record RecipientExemption(string TaxOffice, string TaxNumber, DateOnly NoticeDate);
