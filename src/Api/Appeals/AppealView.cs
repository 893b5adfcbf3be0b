using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using Marten;

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
    DateTimeOffset? ClosedAt,
    DateOnly? DisasterDate = null,
    GiftUse? GiftUse = null)
{
    public static AppealView From(Appeal a) => new(
        a.AppealId, a.Title, a.Description,
        new IssuerView(a.Issuer.Name, a.Issuer.Address),
        new AccountView(a.Account.Iban.Value, a.Account.Iban.ToString(), a.Account.Bic?.Value, a.Account.Holder),
        a.IsDisasterSpecialAccount, a.SimplifiedProof, a.Purposes, a.Municipalities, a.ReceiptSignatory,
        a.ProofOfUseDeadline, a.PledgeLimit.Cents, a.IsClosed, a.OpenedAt, a.ClosedAt, a.DisasterDate, a.GiftUse);
}

public sealed record IssuerView(string Name, PostalAddress Address);

public sealed record AccountView(string Iban, string IbanPrint, string? Bic, string Holder);

public static class AppealLookup
{
    /// <summary>A public id (slug) from a URL: one that cannot be an appeal's is a 404, like an unknown one.</summary>
    public static string Require(string appealId) => Slug.IsValid(appealId) ? appealId : throw DomainException.NotFound($"No appeal '{appealId}'.");

    /// <summary>The appeal behind a public id (slug), or a 404 refusal.</summary>
    public static async Task<Appeal> LoadAsync(IQuerySession session, string appealId, CancellationToken ct)
        => (Slug.IsValid(appealId) ? await session.LoadAsync<Appeal>(AppealStream.IdFor(appealId), ct) : null)
           ?? throw DomainException.NotFound($"No appeal '{appealId}'.");
}
