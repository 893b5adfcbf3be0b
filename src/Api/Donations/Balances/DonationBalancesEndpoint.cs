using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Shared;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Donations.Balances;

/// <summary>One donation in the treasury's balance list: amounts and the donor id, no personal data.</summary>
public sealed record DonationBalanceItem(
    Guid DonationId,
    string Reference,
    Guid? DonorId,
    string Status,
    long PledgedCents,
    long ReceivedCents,
    long ReturnedCents,
    long OutstandingCents,
    long OverpaidCents,
    DateTimeOffset PledgedAt,
    DateOnly? LastPaymentOn,
    int Payments);

public sealed record DonationBalancePage(string AppealId, string Balance, int Page, int PageSize, bool HasMore, IReadOnlyList<DonationBalanceItem> Items);

public static class DonationBalancesEndpoint
{
    public const int PageSizeMax = 200;

    /// <summary>
    /// Donations whose money does not match the pledge: <c>underpaid</c> (some money arrived, less than pledged),
    /// <c>overpaid</c> (more than pledged arrived) or <c>unpaid</c> (pledged, nothing arrived), oldest pledge first.
    /// </summary>
    [WolverineGet("/api/appeals/{appealId}/donations", OperationId = "listDonationBalances")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Under-, over- and unpaid donations of an appeal, paged (treasurer, auditor)")]
    [ProducesResponseType<DonationBalancePage>(200)]
    [ProducesResponseType<ProblemDetails>(404)]
    [ProducesResponseType<ProblemDetails>(422)]
    public static async Task<DonationBalancePage> Get(string appealId, string? balance, int? page, int? pageSize, IQuerySession session, CancellationToken ct)
    {
        var kind = balance?.Trim().ToLowerInvariant() switch
        {
            "underpaid" => "underpaid",
            "overpaid" => "overpaid",
            "unpaid" => "unpaid",
            _ => throw DomainException.Invalid("balance", "balance must be underpaid, overpaid or unpaid."),
        };
        var number = page ?? 1;
        if (number < 1 || number > 100_000) throw DomainException.Invalid("page", "page must be between 1 and 100000.");
        var size = pageSize ?? 50;
        if (size < 1 || size > PageSizeMax) throw DomainException.Invalid("pageSize", $"pageSize must be between 1 and {PageSizeMax}.");
        await Appeals.AppealLookup.LoadAsync(session, appealId, ct);

        var query = session.Query<Donation>().Where(d => d.AppealId == appealId);
        query = kind switch
        {
            "underpaid" => query.Where(d => d.ReceivedCents > 0 && d.NetCents > 0 && d.OutstandingCents > 0),
            "overpaid" => query.Where(d => d.OverpaidCents > 0),
            _ => query.Where(d => d.ReceivedCents == 0 && d.WasPledged && !d.Expired),
        };
        var found = await query.OrderBy(d => d.PledgedAt).ThenBy(d => d.Reference)
            .Skip((number - 1) * size).Take(size + 1).ToListAsync(ct);
        var items = found.Take(size).Select(d => new DonationBalanceItem(
            d.Id, d.Reference, d.DonorId, DonationStatusText.Of(d.Status), d.Pledged.Cents, d.Received.Cents, d.ReturnedByBank.Cents,
            d.Outstanding.Cents, d.Overpaid.Cents, d.PledgedAt, d.Payments.Count == 0 ? null : d.Payments.Max(p => p.BookingDate), d.Payments.Count)).ToList();
        return new DonationBalancePage(appealId, kind, number, size, found.Count > size, items);
    }
}
