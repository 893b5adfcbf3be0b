using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donors;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

/// <summary>One donor's part of the annual run: the gifts of the year that no valid receipt states yet.</summary>
/// <param name="DonorId">The donor as counted (after merges: the record the others are part of).</param>
/// <param name="PrintedDonorId">The record whose name and address the receipt prints (null: none has a postal address).</param>
/// <param name="CannotIssue">Why no receipt can be issued (German, for the treasury), or null.</param>
public sealed record AnnualDonorPlan(Guid DonorId, IReadOnlyList<Guid> DonorIds, IReadOnlyList<Guid> DonationIds, IReadOnlyList<ReceiptablePayment> Gifts,
    Guid? PrintedDonorId, string? CannotIssue)
{
    public Money Total => Gifts.Aggregate(Money.Zero, (s, g) => s + g.Amount);
}

/// <summary>What an annual run issues (<see cref="Donors"/>) and what it cannot (<see cref="CannotIssue"/>).</summary>
public sealed record AnnualReceiptPlan(string AppealId, int Year, IReadOnlyList<AnnualDonorPlan> Donors, IReadOnlyList<AnnualDonorPlan> CannotIssue)
{
    public int Gifts => Donors.Sum(d => d.Gifts.Count);
    public Money Total => Donors.Aggregate(Money.Zero, (s, d) => s + d.Total);
}

/// <summary>The treasury started the annual collective receipt run of an appeal for a year: what the preview promised.
/// The receipts follow one per donor (<see cref="AnnualReceiptIssued"/>), each through the receipts' outbox.</summary>
public sealed record AnnualReceiptRunStarted(Guid RunId, string AppealId, int Year, int Donors, int Gifts, Money Total, int DonorsCannotIssue,
    int GiftsCannotIssue, Money TotalCannotIssue, DateTimeOffset StartedAt, string? StartedBy) : IEventOf<AnnualReceiptRun>;

/// <summary>A Sammelbestätigung of an annual run was issued for one donor (or, <see cref="Number"/> null, nothing was left to
/// issue because the gifts had been receipted in the meantime).</summary>
public sealed record AnnualReceiptIssued(Guid RunId, string AppealId, Guid DonorId, string? Number, int Gifts, Money Total, DateTimeOffset IssuedAt)
    : IEventOf<AnnualReceiptRun>;

/// <summary>An annual run's stream (id: the run id): what it planned and what it issued so far.</summary>
public sealed record AnnualReceiptRun
{
    public Guid Id { get; init; }
    public string AppealId { get; init; } = "";
    public int Year { get; init; }
    public int DonorsPlanned { get; init; }
    public int GiftsPlanned { get; init; }
    public Money TotalPlanned { get; init; }
    public int DonorsDone { get; init; }
    public IReadOnlyList<string> Numbers { get; init; } = [];
    public int GiftsIssued { get; init; }
    public Money TotalIssued { get; init; }
    public DateTimeOffset StartedAt { get; init; }
}

/// <summary>
/// The annual Sammelbestätigung run (DESIGN §6): per donor (donor records merged or linked count as one) the payments
/// booked in the year with money left that no valid receipt states, when there are at least <see cref="GiftsMin"/>
/// of them; one collective receipt per donor over the whole calendar year. A donor without a postal address on any of
/// their records (or erased) is listed as "cannot be issued".
/// </summary>
public static class AnnualReceipts
{
    public const int GiftsMin = 2;
    public const int YearMin = 2000;

    public static AnnualReceiptPlan Plan(string appealId, int year, IEnumerable<Donation> donations, Func<Guid, Guid> rootOf,
        IReadOnlyDictionary<Guid, DonorProfile> printable)
    {
        var donors = new List<AnnualDonorPlan>();
        var cannot = new List<AnnualDonorPlan>();
        var groups = donations
            .Where(d => d.AppealId == appealId && d.DonorId is not null)
            .Select(d => (Donation: d, Gifts: ReceiptCoverage.Open(d).Where(p => p.Date.Year == year).ToList()))
            .Where(x => x.Gifts.Count > 0)
            .GroupBy(x => rootOf(x.Donation.DonorId!.Value))
            .OrderBy(g => g.Min(x => x.Gifts.Min(p => p.Date))).ThenBy(g => g.Key);
        foreach (var group in groups)
        {
            var gifts = group.SelectMany(x => x.Gifts).OrderBy(p => p.Date).ThenBy(p => p.PaymentId).ToList();
            if (gifts.Count < GiftsMin) continue;
            var records = group.Select(x => x.Donation.DonorId!.Value).Append(group.Key).Distinct().ToList();
            // The record the others count as prints its own address; else the newest address among the records.
            var printed = printable.TryGetValue(group.Key, out var own) ? own
                : records.Select(printable.GetValueOrDefault).OfType<DonorProfile>().OrderByDescending(p => p.RecordedAt).FirstOrDefault();
            var why = printed is null ? "Keine Postanschrift gespeichert (nicht angegeben oder gelöscht)."
                : gifts.Count > ReceiptDecision.LinesMax ? $"Mehr als {ReceiptDecision.LinesMax} Zuwendungen: bitte in Teilen bestätigen."
                : group.Count() > ReceiptDecision.CollectiveDonationsMax ? $"Mehr als {ReceiptDecision.CollectiveDonationsMax} Spenden: bitte in Teilen bestätigen."
                : null;
            var plan = new AnnualDonorPlan(group.Key, records, group.Select(x => x.Donation.Id).ToList(), gifts, printed?.Id, why);
            (why is null ? donors : cannot).Add(plan);
        }
        return new AnnualReceiptPlan(appealId, year, donors, cannot);
    }

    /// <summary>A year can be run once it is over (German calendar): gifts of a running year may still arrive.</summary>
    public static void CheckYear(int year, DateOnly today)
    {
        if (year < YearMin || year >= today.Year)
            throw DomainException.Invalid("year", $"The year must be a finished year between {YearMin} and {today.Year - 1}.");
    }

    public static AnnualReceiptRun? Evolve(AnnualReceiptRun? run, object @event) => @event switch
    {
        AnnualReceiptRunStarted e => new AnnualReceiptRun
        {
            Id = e.RunId, AppealId = e.AppealId, Year = e.Year, DonorsPlanned = e.Donors, GiftsPlanned = e.Gifts, TotalPlanned = e.Total, StartedAt = e.StartedAt,
        },
        AnnualReceiptIssued e when run is not null => run with
        {
            DonorsDone = run.DonorsDone + 1,
            Numbers = e.Number is null ? run.Numbers : [.. run.Numbers, e.Number],
            GiftsIssued = run.GiftsIssued + e.Gifts,
            TotalIssued = run.TotalIssued + e.Total,
        },
        _ => run,
    };
}
