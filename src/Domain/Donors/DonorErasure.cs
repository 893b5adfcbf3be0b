using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Donors;

/// <summary>What an erasure removed: the profile only (name, address, e-mail), or everything personal about the donor.</summary>
public enum ErasureScope
{
    /// <summary>The profile (name, address, e-mail) is gone; the donor's key, the payer details of the bookings and the
    /// receipt copies stay until their retention ends, because tax law binds them.</summary>
    Profile,

    /// <summary>Nothing personal is left: profile, key (the receipts' sealed name and address can no longer be read),
    /// payer details of the bookings and the rendered receipt copies. Every amount stays replayable.</summary>
    Everything,
}

/// <summary>
/// A donor's personal data was erased (DESIGN §9, GDPR Art. 17). The fact holds no personal data: the donor's id, what
/// went, why (<c>donor-request</c>, <c>treasury</c>, <c>retention-expired</c>), until when the rest is kept, and who.
/// </summary>
public sealed record DonorDataErased(Guid DonorId, ErasureScope Scope, string Reason, DateOnly? KeptUntil, DateTimeOffset ErasedAt, string? ErasedBy)
    : IEventOf<Donor>;

/// <summary>The donor's own stream (id: the donor id): the erasures so far, and the donor record this one counts as
/// (<see cref="PartOf"/>, after a merge or a link made by the donor; see <c>Merging/DonorMerging.cs</c>).</summary>
public sealed record Donor
{
    public Guid Id { get; init; }
    public ErasureScope? Erased { get; init; }
    public DateTimeOffset? ErasedAt { get; init; }
    public Guid? PartOf { get; init; }
    public DonorLinkVia? PartVia { get; init; }
}

/// <summary>Erase a donor's personal data as far as retention allows (by the donor, the treasury or the retention run).</summary>
public sealed record EraseDonorData(Guid DonorId, string Reason, string? By, DateTimeOffset RequestedAt);

/// <summary>
/// What binds a donor's data: the years of the receipts issued to the donor (the receipts and their copies are kept ten
/// years after the end of the year of issue, § 50 Abs. 7 EStDV, § 147 AO) and the years of the bookings on the donor's
/// donations (payer name and IBAN are booking records, § 147 AO); <see cref="LastActivity"/>: the donor's latest pledge,
/// payment or receipt (an unbound profile is kept for a while after it, for questions about the donation).
/// </summary>
public sealed record DonorRetentionFacts(IReadOnlyList<int> ReceiptYears, IReadOnlyList<int> BookingYears, DateOnly? LastActivity);

public static class DonorErasure
{
    public const int RetentionYears = 10;

    public static class Reasons
    {
        public const string DonorRequest = "donor-request";
        public const string Treasury = "treasury";
        public const string RetentionExpired = "retention-expired";
    }

    public static Donor? Evolve(Donor? donor, object @event) => @event switch
    {
        DonorDataErased e => (donor ?? new Donor { Id = e.DonorId }) with
        {
            // Once everything is gone it stays gone; a profile erasure never narrows an earlier full one.
            Erased = donor?.Erased == ErasureScope.Everything ? ErasureScope.Everything : e.Scope,
            ErasedAt = e.ErasedAt,
        },
        DonorsMerged e => (donor ?? new Donor { Id = e.DonorId }) with { PartOf = e.IntoDonorId, PartVia = e.Via },
        DonorMergeUndone e => (donor ?? new Donor { Id = e.DonorId }) with { PartOf = null, PartVia = null },
        _ => donor,
    };

    /// <summary>The last day the bound data must be kept (31.12. of the tenth year after the latest receipt or booking), or null when nothing binds it.</summary>
    public static DateOnly? KeptUntil(DonorRetentionFacts facts)
    {
        var years = facts.ReceiptYears.Concat(facts.BookingYears).ToList();
        return years.Count == 0 ? null : new DateOnly(checked(years.Max() + RetentionYears), 12, 31);
    }

    /// <summary>
    /// The erasure to record now, or null when there is nothing (more) to erase. A request erases the profile at once and
    /// everything once nothing binds it; the retention run erases everything once the bound data's retention has ended, and
    /// an unbound donor's data <paramref name="profileRetentionDays"/> after the last activity.
    /// </summary>
    public static DonorDataErased? Decide(EraseDonorData command, Donor? donor, DonorRetentionFacts facts, DateOnly today, int profileRetentionDays)
    {
        if (command.Reason is not (Reasons.DonorRequest or Reasons.Treasury or Reasons.RetentionExpired))
            throw DomainException.Invalid("reason", $"Unknown reason of an erasure: {command.Reason}.");
        if (donor?.Erased == ErasureScope.Everything) return null;
        var keptUntil = KeptUntil(facts);
        var scope = keptUntil is null || today > keptUntil ? ErasureScope.Everything : ErasureScope.Profile;
        if (command.Reason == Reasons.RetentionExpired)
        {
            var released = keptUntil is { } bound
                ? today > bound
                : facts.LastActivity is not { } last || today > last.AddDays(profileRetentionDays);
            if (!released) return null;
        }
        if (donor?.Erased == ErasureScope.Profile && scope == ErasureScope.Profile) return null;
        return new DonorDataErased(command.DonorId, scope, command.Reason, scope == ErasureScope.Profile ? keptUntil : null, command.RequestedAt, command.By);
    }
}
