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
    /// <summary>The next <paramref name="count"/> numbers of this (German calendar) year, taken in one write of the counter.</summary>
    public static async Task<IReadOnlyList<ReceiptNumbering>> ReserveAsync(IDocumentSession session, DateTimeOffset now, int count, CancellationToken ct)
    {
        Invariant.That(count is > 0 and <= 100, "A transaction takes between 1 and 100 receipt numbers.");
        var year = ReceiptIssuing.Today(now).Year;
        var counter = await session.LoadAsync<ReceiptCounter>(year.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)
                      ?? new ReceiptCounter { Id = year.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var first = counter.Last + 1;
        counter.Last += count;
        session.Store(counter);
        return Enumerable.Range(first, count).Select(sequence => new ReceiptNumbering(ReceiptNumber.Format(year, sequence), year, sequence)).ToList();
    }
}
