using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>
/// Every decision on an appeal's stream: <c>Decide(command, appeal)</c>, pure, with ids and time inside the command. A
/// repeated command decides nothing; an illegal one is refused with a <see cref="DomainException"/>. One part of this
/// class per feature folder (Opening, Extending, Closing); the state is folded by <see cref="Evolve"/>.
/// </summary>
public static partial class AppealDecider
{
    /// <summary>The one fold of an appeal's stream: Marten's snapshot, the command handlers and the specs use it.</summary>
    public static Appeal? Evolve(Appeal? appeal, object @event) => (appeal, @event) switch
    {
        (_, AppealOpened e) => Opened(e),
        ({ } a, MunicipalityAdded e) => a with { Municipalities = [.. a.Municipalities, e.Municipality] },
        ({ } a, PurposeAdded e) => a with { Purposes = [.. a.Purposes, e.Purpose] },
        ({ } a, AppealClosed e) => a with { IsClosed = true, ClosedAt = e.ClosedAt },
        _ => appeal,
    };

    private static Appeal Opened(AppealOpened e) => new()
    {
        Id = AppealStream.IdFor(e.AppealId),
        AppealId = e.AppealId,
        Title = e.Title,
        Description = e.Description,
        Issuer = e.Issuer,
        Account = e.Account,
        IsDisasterSpecialAccount = e.IsDisasterSpecialAccount,
        SimplifiedProof = e.SimplifiedProof,
        Purposes = e.Purposes,
        Municipalities = e.Municipalities,
        ReceiptSignatory = e.ReceiptSignatory,
        ProofOfUseDeadline = e.ProofOfUseDeadline,
        PledgeLimit = e.PledgeLimit,
        OpenedAt = e.OpenedAt,
        DisasterDate = e.DisasterDate,
        GiftUse = e.GiftUse ?? GiftUse.UsedDirectly,
    };

    /// <summary>The appeal the command addresses, or a 404 refusal.</summary>
    private static Appeal Existing(Appeal? appeal, string appealId)
        => appeal ?? throw DomainException.NotFound($"No appeal '{appealId}'.");
}
