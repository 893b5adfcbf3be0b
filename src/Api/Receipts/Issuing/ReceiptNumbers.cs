using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;
using Marten;

namespace FlutHilfe.Api.Receipts.Issuing;

/// <summary>
/// The counter behind gapless receipt numbers: one document per year, written in the same transaction as the
/// receipt (a PostgreSQL sequence would leave gaps on rollback). Optimistic concurrency: two issuers racing for
/// the same number make one transaction fail and retry.
/// </summary>
public sealed class ReceiptCounter
{
    public string Id { get; set; } = "";
    public int Last { get; set; }
}

public static class ReceiptNumbers
{
    /// <summary>At most this many numbers are taken in one transaction.</summary>
    public const int PerTransactionMax = 1_000;

    /// <summary>The counter's id: the German calendar year of <paramref name="now"/>.</summary>
    public static string CounterId(DateTimeOffset now) => ReceiptIssuing.Today(now).Year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The next <paramref name="count"/> numbers of this (German calendar) year, taken in one write of the counter.</summary>
    public static async Task<IReadOnlyList<ReceiptNumbering>> ReserveAsync(IDocumentSession session, DateTimeOffset now, int count, CancellationToken ct)
    {
        Invariant.That(count is > 0 and <= PerTransactionMax, "A transaction takes a bounded number of receipt numbers.");
        var year = ReceiptIssuing.Today(now).Year;
        var counter = await session.LoadAsync<ReceiptCounter>(CounterId(now), ct);
        var first = (counter?.Last ?? 0) + 1;
        Take(session, counter, now, first + count - 1);
        return Enumerable.Range(first, count).Select(sequence => new ReceiptNumbering(ReceiptNumber.Format(year, sequence), year, sequence)).ToList();
    }

    /// <summary>
    /// Writes the counter (as read in this session, or null when the year has none yet) forward to <paramref name="last"/>:
    /// an update checked against the version read, or an insert, so a concurrent writer of the same year fails one commit.
    /// </summary>
    public static void Take(IDocumentSession session, ReceiptCounter? counter, DateTimeOffset now, int last)
    {
        Invariant.That(last > (counter?.Last ?? 0) && last - (counter?.Last ?? 0) <= PerTransactionMax, "A transaction takes a bounded number of receipt numbers.");
        Invariant.That(last <= ReceiptNumber.SequenceMax, "The year's receipt numbers are used up.");
        if (counter is null)
        {
            session.Insert(new ReceiptCounter { Id = CounterId(now), Last = last });
            return;
        }
        counter.Last = last;
        session.Update(counter);
    }
}
