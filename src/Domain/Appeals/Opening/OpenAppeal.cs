using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Donations.Pledging;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>Open an appeal (a retry with the same title and account decides nothing).</summary>
public sealed record OpenAppeal(
    string AppealId,
    string Title,
    string Description,
    Issuer Issuer,
    BankAccount Account,
    bool IsDisasterSpecialAccount,
    SimplifiedProofWindow? SimplifiedProof,
    IReadOnlyList<Purpose> Purposes,
    IReadOnlyList<Municipality> Municipalities,
    string ReceiptSignatory,
    DateOnly ProofOfUseDeadline,
    Money PledgeLimit,
    DateTimeOffset OpenedAt,
    DateOnly? DisasterDate = null,
    GiftUse? GiftUse = null)
{
    /// <summary>The stream the appeal is opened on.</summary>
    public Guid AppealStreamId => AppealStream.IdFor(AppealId);
}

public static partial class AppealDecider
{
    public static IReadOnlyList<object> Decide(OpenAppeal command, Appeal? current)
    {
        if (current is not null)
        {
            // Opening the same appeal again is a retry: nothing new happens.
            return current.Title == command.Title && current.Account == command.Account
                ? []
                : throw DomainException.Conflict($"Appeal '{command.AppealId}' already exists.", "appealId");
        }

        Slug.Require(command.AppealId, "appealId");
        if (command.Purposes.Count == 0) throw DomainException.Invalid("purposes", "An appeal needs at least one purpose.");
        if (command.Municipalities.Count == 0) throw DomainException.Invalid("municipalities", "An appeal needs at least one municipality.");
        RequireUnique(command.Purposes.Select(p => p.Id), "purposes");
        RequireUnique(command.Municipalities.Select(m => m.Id), "municipalities");
        if (command.SimplifiedProof is { } w && w.From > w.To)
            throw DomainException.Invalid("simplifiedProof.to", "The simplified-proof window ends before it starts.");
        if (command.SimplifiedProof is not null && !command.IsDisasterSpecialAccount)
            throw DomainException.Invalid("simplifiedProof", "A simplified-proof window needs a disaster special account.");
        // The account holder is the beneficiary name of every GiroCode (and what Verification of Payee compares):
        // it must be fully writable in the SEPA character set. The title goes into the information line, where an
        // emoji may be left out, but a title that has no Latin form is refused.
        SepaText.Require(command.Account.Holder, "account.holder");
        SepaText.Require(command.Title, "title", symbolsMayBeDropped: true);
        if (!command.PledgeLimit.IsPositive || command.PledgeLimit > GiroCode.AmountMax)
            throw DomainException.Invalid("pledgeLimitCents", "The pledge limit must be between 0,01 € and 999.999.999,99 €.");
        if (command.DisasterDate is { } disaster && disaster > command.ProofOfUseDeadline)
            throw DomainException.Invalid("disasterDate", "The disaster date lies after the proof-of-use deadline.");
        if (command.GiftUse is { PassedOn: true, Recipient: null or "" })
            throw DomainException.Invalid("giftUse.recipient", "Money passed on needs the recipient named on the receipts.");
        if (command.GiftUse is { PassedOn: false } direct && (direct.Recipient is not null || direct.Exemption is not null))
            throw DomainException.Invalid("giftUse.recipient", "Money used directly has no recipient to name.");

        return
        [
            new AppealOpened(command.AppealId, command.Title, command.Description, command.Issuer, command.Account,
                command.IsDisasterSpecialAccount, command.SimplifiedProof, command.Purposes, command.Municipalities,
                command.ReceiptSignatory, command.ProofOfUseDeadline, command.PledgeLimit, command.OpenedAt, command.DisasterDate, command.GiftUse),
        ];
    }

    private static void RequireUnique(IEnumerable<string> ids, string field)
    {
        var duplicate = ids.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw DomainException.Invalid(field, $"'{duplicate.Key}' is listed twice.");
    }
}
