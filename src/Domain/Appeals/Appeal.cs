using System.Text.Json.Serialization;
using FlutHilfe.Domain.Appeals.Closing;
using FlutHilfe.Domain.Appeals.Extending;
using FlutHilfe.Domain.Appeals.Opening;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Appeals;

/// <summary>
/// State of one appeal, folded from its stream by <see cref="AppealDecider.Evolve"/>. Immutable: every event yields a new instance.
/// Also the public read model (a Marten inline snapshot): it holds no personal data.
/// </summary>
public sealed record Appeal
{
    /// <summary>The stream id: a name-based UUID of <see cref="AppealId"/> (<see cref="AppealStream.IdFor"/>), used only by the event store.</summary>
    public Guid Id { get; init; }
    /// <summary>The public id (the slug in every URL, JSON <c>appealId</c> in events and answers). Stored as <c>slug</c> in snapshots.</summary>
    [JsonPropertyName("slug")]
    public string AppealId { get; init; } = "";
    public string Title { get; init; } = "";
    public string Description { get; init; } = "";
    public Issuer Issuer { get; init; } = null!;
    public BankAccount Account { get; init; } = null!;
    public bool IsDisasterSpecialAccount { get; init; }
    public SimplifiedProofWindow? SimplifiedProof { get; init; }
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public IReadOnlyList<Municipality> Municipalities { get; init; } = [];
    public string ReceiptSignatory { get; init; } = "";
    public DateOnly ProofOfUseDeadline { get; init; }
    public Money PledgeLimit { get; init; }
    /// <summary>When the disaster struck: spending before it is not eligible. Null (appeals opened before this was data): no lower bound.</summary>
    public DateOnly? DisasterDate { get; init; }
    /// <summary>Used directly or passed on (printed on receipts). Appeals opened before this was data use the money directly.</summary>
    public GiftUse GiftUse { get; init; } = GiftUse.UsedDirectly;
    public DateTimeOffset OpenedAt { get; init; }
    public bool IsClosed { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }

    public Municipality? FindMunicipality(string id) => Municipalities.FirstOrDefault(m => m.Id == id);

    public Purpose? FindPurpose(string id) => Purposes.FirstOrDefault(p => p.Id == id);

    /// <summary>Whether the donation was made under the simplified-proof rule for disasters.</summary>
    public bool IsInSimplifiedProofWindow(DateOnly paidOn)
        => IsDisasterSpecialAccount && SimplifiedProof is { } w && paidOn >= w.From && paidOn <= w.To;
}

public static class AppealStream
{
    /// <summary>The stream id of the appeal with this public id.</summary>
    public static Guid IdFor(string appealId) => DeterministicId.For("appeal", appealId);
}
