using FlutHilfe.Domain.Allocations;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Donations.Receiving;
using FlutHilfe.Domain.EarmarkDecisions;
using FlutHilfe.Domain.Funds.Allocating;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Projections.Ledger;

/// <summary>
/// The chart of accounts of one appeal. Balances are signed: debit positive, credit negative, so every entry sums to zero
/// and so does the trial balance.
/// <list type="table">
/// <item><term><c>bank</c></term><description>asset: the appeal's money on its bank account (donations in, bank returns and disbursements out, municipalities' paybacks in).</description></item>
/// <item><term><c>fund:{fundKey}</c></term><description>liability to the donors of an earmark: money in the fund not allocated (credit; −balance = the fund view's available).</description></item>
/// <item><term><c>allocated:{municipality}</c></term><description>liability: committed to a municipality by decision, less withdrawn and paid back (credit).</description></item>
/// <item><term><c>disbursed:{municipality}</c></term><description>asset: money transferred to a municipality and neither spent nor paid back (negative: the municipality pre-financed).</description></item>
/// <item><term><c>spent:{municipality}</c></term><description>expense: spending items reported (debit; the municipality view's spent).</description></item>
/// <item><term><c>refunds</c></term><description>liability: refunds donors chose when an earmark could not be met, owed until paid (credit).</description></item>
/// </list>
/// </summary>
public static class Accounts
{
    public const string Bank = "bank";
    public const string Refunds = "refunds";
    public static string Fund(string fundKey) => "fund:" + fundKey;
    public static string Allocated(string municipalityId) => "allocated:" + municipalityId;
    public static string Disbursed(string municipalityId) => "disbursed:" + municipalityId;
    public static string Spent(string municipalityId) => "spent:" + municipalityId;

    /// <summary>The account's kind (the part before the first colon) and key (the rest).</summary>
    public static (string Kind, string? Key) Parse(string account)
    {
        var colon = account.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (account, null) : (account[..colon], account[(colon + 1)..]);
    }
}

/// <summary>One leg of an entry: debit positive, credit negative.</summary>
public sealed record Posting(string Account, Money Amount);

/// <summary>
/// Which balanced entry each money fact posts (pure: the event in, the legs out). Facts without money post nothing.
/// A return of unused money posts two pairs: the cash comes back (bank ← disbursed) and the commitment goes back to the
/// funds it came from (allocated → fund), which is why there is no separate "returned" account.
/// </summary>
public static class PostingRules
{
    public static IReadOnlyList<Posting> For(object @event) => @event switch
    {
        DonationPaymentReceived e => [new(Accounts.Bank, e.Amount), .. Credit(e.Allocation)],
        DonationPaymentWithdrawn e => [new(Accounts.Bank, -e.Amount), .. Debit(e.Allocation)],
        DonationPaymentReturned e => [new(Accounts.Bank, -e.Amount), .. Debit(e.Allocation)],
        FundsAllocated e => [.. Debit(e.Draws), new(Accounts.Allocated(e.MunicipalityId), -e.Amount)],
        AllocationWithdrawn e => [new(Accounts.Allocated(e.MunicipalityId), e.Amount), .. Credit(e.Draws)],
        FundsDisbursed e => [new(Accounts.Disbursed(e.MunicipalityId), e.Amount), new(Accounts.Bank, -e.Amount)],
        DisbursementReturned e => [new(Accounts.Bank, e.Amount), new(Accounts.Disbursed(e.MunicipalityId), -e.Amount)],
        SpendingReported e => [new(Accounts.Spent(e.MunicipalityId), e.Amount), new(Accounts.Disbursed(e.MunicipalityId), -e.Amount)],
        SpendingWithdrawn e => [new(Accounts.Disbursed(e.MunicipalityId), e.Amount), new(Accounts.Spent(e.MunicipalityId), -e.Amount)],
        UnusedFundsReturned e =>
        [
            new(Accounts.Bank, e.Amount), new(Accounts.Disbursed(e.MunicipalityId), -e.Amount),
            new(Accounts.Allocated(e.MunicipalityId), e.Amount), .. Credit(e.Draws),
        ],
        // An earmark that cannot be met: the liability moves to another fund, or to the donor (owed until the refund is paid).
        EarmarkQuestionAnswered { ToFundKey: { } to } e => [new(Accounts.Fund(e.FromFundKey), e.Amount), new(Accounts.Fund(to), -e.Amount)],
        EarmarkQuestionAnswered { Choice: EarmarkChoice.Refund } e => [new(Accounts.Fund(e.FromFundKey), e.Amount), new(Accounts.Refunds, -e.Amount)],
        // The refund leaves the bank: the liability to the donor is settled; a return owes it again.
        RefundPaid e => [new(Accounts.Refunds, e.Amount), new(Accounts.Bank, -e.Amount)],
        RefundReturned e => [new(Accounts.Bank, e.Amount), new(Accounts.Refunds, -e.Amount)],
        _ => [],
    };

    private static IEnumerable<Posting> Credit(IReadOnlyList<Earmark> parts) => parts.Select(p => new Posting(Accounts.Fund(p.Fund.Key), -p.Amount));
    private static IEnumerable<Posting> Debit(IReadOnlyList<Earmark> parts) => parts.Select(p => new Posting(Accounts.Fund(p.Fund.Key), p.Amount));
    private static IEnumerable<Posting> Credit(IReadOnlyList<FundDraw> draws) => draws.Select(d => new Posting(Accounts.Fund(d.FundKey), -d.Amount));
    private static IEnumerable<Posting> Debit(IReadOnlyList<FundDraw> draws) => draws.Select(d => new Posting(Accounts.Fund(d.FundKey), d.Amount));

    /// <summary>The sum of the legs (zero for every entry the rules post).</summary>
    public static Money Sum(IEnumerable<Posting> legs) => legs.Aggregate(Money.Zero, (s, p) => s + p.Amount);
}
