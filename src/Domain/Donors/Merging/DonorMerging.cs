using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donors;

/// <summary>Who made two donor records one: the treasury (a merge by hand), or the donor (the donor account's link, or an
/// e-mail address confirmed through the link mailed to it).</summary>
public enum DonorLinkVia
{
    Treasury,
    AccountLink,
    ConfirmedEmail,
}

/// <summary>
/// Donor record <see cref="DonorId"/> counts from now on as <see cref="IntoDonorId"/>: its donations, its account link and
/// its gifts for the annual collective receipt belong to that donor. Recorded on the stream of <see cref="DonorId"/>; holds
/// ids and the treasury's reason, no personal data.
/// </summary>
public sealed record DonorsMerged(Guid DonorId, Guid IntoDonorId, DonorLinkVia Via, string Reason, DateTimeOffset MergedAt, string? MergedBy) : IEventOf<Donor>;

/// <summary>A merge was undone: <see cref="DonorId"/> is a donor of its own again (no longer part of <see cref="FromDonorId"/>).</summary>
public sealed record DonorMergeUndone(Guid DonorId, Guid FromDonorId, string Reason, DateTimeOffset UndoneAt, string? UndoneBy) : IEventOf<Donor>;

/// <summary>Make donor record <see cref="DonorId"/> part of <see cref="IntoDonorId"/>.</summary>
public sealed record MergeDonors(Guid DonorId, Guid IntoDonorId, DonorLinkVia Via, string Reason, string? By, DateTimeOffset MergedAt);

/// <summary>Undo the merge of donor record <see cref="DonorId"/>.</summary>
public sealed record UndoDonorMerge(Guid DonorId, string Reason, string? By, DateTimeOffset UndoneAt);

/// <summary>
/// Merging donor records. A record is merged into a record that is itself not merged (so groups are one level deep and
/// can never form a cycle), never into itself, never when either was erased (an erased donor has nobody left to be the
/// same person as), and once: a second merge of the same pair decides nothing, a merge into another donor needs the
/// first one undone. Only a merge can be undone, and only the current one.
/// </summary>
public static class DonorMerging
{
    public const int ReasonLengthMax = 500;

    public static IReadOnlyList<object> Decide(MergeDonors command, Donor? donor, Donor? into)
    {
        if (command.DonorId == command.IntoDonorId) throw DomainException.Invalid("intoDonorId", "A donor cannot be merged into itself.");
        CheckReason(command.Reason);
        if (donor?.Erased is not null) throw DomainException.Conflict($"Donor {command.DonorId} was erased and cannot be merged.", "donorId");
        if (into?.Erased is not null) throw DomainException.Conflict($"Donor {command.IntoDonorId} was erased; nothing can be merged into it.", "intoDonorId");
        if (donor?.PartOf == command.IntoDonorId) return [];
        if (donor?.PartOf is { } other)
            throw DomainException.Conflict($"Donor {command.DonorId} is already merged into {other}; undo that merge first.", "donorId");
        if (into?.PartOf is { } root)
            throw DomainException.Conflict($"Donor {command.IntoDonorId} is itself merged into {root}; merge into {root} instead.", "intoDonorId");
        return [new DonorsMerged(command.DonorId, command.IntoDonorId, command.Via, command.Reason.Trim(), command.MergedAt, command.By)];
    }

    /// <param name="members">Records merged into <paramref name="donor"/>: a record others count as cannot be merged
    /// itself (the group would become two levels deep).</param>
    public static IReadOnlyList<object> Decide(MergeDonors command, Donor? donor, Donor? into, int members)
    {
        if (members > 0 && donor?.PartOf != command.IntoDonorId && command.DonorId != command.IntoDonorId)
            throw DomainException.Conflict($"Other donor records are merged into {command.DonorId}; merge {command.IntoDonorId} into it instead, or undo those merges first.", "donorId");
        return Decide(command, donor, into);
    }

    public static IReadOnlyList<object> Decide(UndoDonorMerge command, Donor? donor)
    {
        CheckReason(command.Reason);
        if (donor?.PartOf is not { } into) throw DomainException.Conflict($"Donor {command.DonorId} is not merged into another donor.", "donorId");
        return [new DonorMergeUndone(command.DonorId, into, command.Reason.Trim(), command.UndoneAt, command.By)];
    }

    private static void CheckReason(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) throw DomainException.Invalid("reason", "A reason is required.");
        if (reason.Length > ReasonLengthMax) throw DomainException.Invalid("reason", $"At most {ReasonLengthMax} characters.");
    }
}
