using FlutHilfe.Api.Infrastructure;
using FlutHilfe.Api.Infrastructure.Auth;
using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Projections.Ledger;
using FlutHilfe.Projections.Replaying;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace FlutHilfe.Api.Audit.Ledger;

/// <summary>One account: its signed balance (debit positive) and the same as a debit or a credit column.</summary>
public sealed record AccountBalanceView(string Account, string Kind, string? Key, long BalanceCents, long DebitCents, long CreditCents);

public sealed record TrialBalanceView(string AppealId, DateTimeOffset? AsOf, int Entries, IReadOnlyList<AccountBalanceView> Accounts,
    long TotalDebitCents, long TotalCreditCents, long SumCents);

public static class TrialBalanceEndpoint
{
    [WolverineGet("/api/audit/trial-balance", OperationId = "getTrialBalance")]
    [Authorize(Roles = Roles.TreasurerOrAuditor)]
    [EndpointSummary("Balances of every ledger account of an appeal and their sum (zero), now or as of a past instant (treasurer, auditor)")]
    public static async Task<TrialBalanceView> Get(string? appealId, string? asOf, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var appeal = Slug.Require(appealId, "appealId");
        var instant = AsOf.Parse(asOf, clock);
        if (await session.LoadAsync<Appeal>(AppealStream.IdFor(appeal), ct) is null)
            throw new DomainException(RefusalKind.NotFound, "appealId", $"No appeal '{appeal}'.");
        var books = await AsOfReplay.CurrentOrAsOfAsync<LedgerBook, IAppealEvent>(session, instant, id => id == appeal,
            async (s, c) => await s.LoadAsync<LedgerBook>(appeal, c) is { } b ? [b] : [], ct);
        var book = books.SingleOrDefault() ?? new LedgerBook { Id = appeal };
        var accounts = book.Balances.OrderBy(a => Order(a.Key)).ThenBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var (kind, key) = Accounts.Parse(a.Key);
            return new AccountBalanceView(a.Key, kind, key, a.Value.Cents, Math.Max(a.Value.Cents, 0), Math.Max(-a.Value.Cents, 0));
        }).ToList();
        var sum = book.Balances.Values.Aggregate(Money.Zero, (s, m) => s + m);
        return new TrialBalanceView(appeal, instant, book.Entries, accounts, accounts.Sum(a => a.DebitCents), accounts.Sum(a => a.CreditCents), sum.Cents);
    }

    private static int Order(string account) => Accounts.Parse(account).Kind switch
    {
        "bank" => 0,
        "fund" => 1,
        "allocated" => 2,
        "disbursed" => 3,
        "spent" => 4,
        _ => 5,
    };
}
