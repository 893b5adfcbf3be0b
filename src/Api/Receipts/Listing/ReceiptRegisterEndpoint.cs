using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Receipts.Listing;

public sealed record ReceiptRegister(int Year, int Issued, int Valid, int Cancelled, IReadOnlyList<int> MissingSequences, IReadOnlyList<ReceiptRegisterLine> Receipts);

public static class ReceiptRegisterEndpoint
{
    [WolverineGet("/api/receipts", OperationId = "listReceipts")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Every receipt number of a year with its state (treasurer, auditor)")]
    public static async Task<ReceiptRegister> List(int? year, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var y = year ?? clock.GetUtcNow().Year;
        if (y is < 2000 or > 9999) throw DomainException.Invalid("year", "year must be a four-digit year.");
        var receipts = (await session.Query<Receipt>().Where(r => r.Year == y).ToListAsync(ct)).OrderBy(r => r.Sequence).ToList();
        var replacedBy = receipts.Where(r => r.ReplacesNumber is not null).ToDictionary(r => r.ReplacesNumber!, r => r.Number);
        var max = receipts.Count == 0 ? 0 : receipts.Max(r => r.Sequence);
        var missing = Enumerable.Range(1, max).Except(receipts.Select(r => r.Sequence)).ToList();
        return new ReceiptRegister(y, receipts.Count, receipts.Count(r => r.State == ReceiptState.Valid), receipts.Count(r => r.State == ReceiptState.Cancelled), missing,
            receipts.Select(r => ReceiptRegisterLine.From(r, replacedBy.GetValueOrDefault(r.Number))).ToList());
    }
}
