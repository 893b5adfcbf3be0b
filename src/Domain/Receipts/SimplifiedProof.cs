using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

public enum ProofNeed
{
    /// <summary>No money has arrived yet.</summary>
    NothingPaid,
    /// <summary>The bank statement suffices for every payment (§ 50 Abs. 4 EStDV); a receipt is still issued on request.</summary>
    BankStatementSuffices,
    /// <summary>At least one payment needs a Zuwendungsbestätigung.</summary>
    ReceiptNeeded,
}

/// <summary>
/// Simplified proof (§ 50 Abs. 4 EStDV), judged per payment since each payment is a Zuwendung: the bank statement suffices
/// for a payment of at most 300 €, and without limit for a payment into the appeal's disaster special account within the
/// window the state declared (for the July 2021 flood in NRW: 15.07.2021–31.12.2021).
/// </summary>
public static class SimplifiedProof
{
    public static readonly Money Limit = new(300_00);

    public static bool Suffices(Appeal appeal, DateOnly bookingDate, Money amount) => amount <= Limit || appeal.IsInSimplifiedProofWindow(bookingDate);

    public static ProofNeed For(Donation donation, Appeal appeal)
    {
        var payments = donation.Payments
            .Select(p => (p.BookingDate, Amount: ReceiptCoverage.Receiptable(donation, p)))
            .Where(p => p.Amount.IsPositive)
            .ToList();
        if (payments.Count == 0) return ProofNeed.NothingPaid;
        return payments.All(p => Suffices(appeal, p.BookingDate, p.Amount)) ? ProofNeed.BankStatementSuffices : ProofNeed.ReceiptNeeded;
    }
}
