using FlutHilfe.Domain.Receipts;
using Marten;

namespace FlutHilfe.Api.Receipts;

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
    public static async Task<(string Number, int Year, int Sequence)> NextAsync(IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var year = clock.GetUtcNow().Year;
        var counter = await session.LoadAsync<ReceiptCounter>(year.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)
                      ?? new ReceiptCounter { Id = year.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        counter.Last++;
        session.Store(counter);
        return (ReceiptNumber.Format(year, counter.Last), year, counter.Last);
    }
}
