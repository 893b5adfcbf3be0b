using FlutHilfe.Domain.Appeals;

namespace FlutHilfe.Api.Appeals;

/// <summary>The public face of an appeal: no personal data, only what donors and the public may read.</summary>
public sealed record AppealView(
    string Id,
    string Title,
    string Description,
    IssuerView Beneficiary,
    AccountView Account,
    bool IsDisasterSpecialAccount,
    SimplifiedProofWindow? SimplifiedProof,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<Municipality> Municipalities,
    string ReceiptSignatory,
    DateOnly ProofOfUseDeadline,
    long PledgeLimitCents,
    bool IsClosed,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt)
{
    public static AppealView From(Appeal a) => new(
        a.Slug, a.Title, a.Description,
        new IssuerView(a.Issuer.Name, a.Issuer.Address),
        new AccountView(a.Account.Iban.Value, a.Account.Iban.ToString(), a.Account.Bic?.Value, a.Account.Holder),
        a.IsDisasterSpecialAccount, a.SimplifiedProof, a.Purposes, a.Municipalities, a.ReceiptSignatory,
        a.ProofOfUseDeadline, a.PledgeLimit.Cents, a.IsClosed, a.OpenedAt, a.ClosedAt);
}

public sealed record IssuerView(string Name, PostalAddress Address);

public sealed record AccountView(string Iban, string IbanPrint, string? Bic, string Holder);
