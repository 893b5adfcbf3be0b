using FlutHilfe.Domain.Appeals;
using FlutHilfe.Domain.Donations;
using FlutHilfe.Domain.Receipts.Covering;
using FlutHilfe.Domain.Receipts.Issuing;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Domain.Receipts;

/// <summary>
/// Issue one receipt per batch (a Sammelbestätigung when <see cref="Collective"/> or when a batch states several
/// payments). <see cref="Numbers"/> are taken from the yearly counter, one per batch; <see cref="Holder"/> is the donor as
/// printed, already encrypted with the donor's key;
/// <see cref="IssuedOn"/> is the German calendar day of <see cref="IssuedAt"/>, the date printed on the receipt.
/// </summary>
public sealed record IssueReceipts(IReadOnlyList<ReceiptBatch> Batches, bool Collective, DateOnly? PeriodFrom, DateOnly? PeriodTo,
    IReadOnlyList<ReceiptNumbering> Numbers, ReceiptHolder Holder, ReceiptTerms Terms, DateTimeOffset IssuedAt, DateOnly IssuedOn);

public static partial class ReceiptDecider
{
    /// <summary>
    /// Each receipt starts its number's stream with the frozen <see cref="ReceiptIssued"/> fact, and each donation it covers
    /// gets a <see cref="ReceiptAssigned"/> naming its payments on it. <paramref name="donations"/> holds every donation of
    /// the batches.
    /// </summary>
    public static ReceiptChanges Decide(IssueReceipts command, IReadOnlyDictionary<Guid, Donation> donations, Appeal appeal)
    {
        Invariant.That(command.Numbers.Count == command.Batches.Count, "One number per receipt.");
        var receipts = new List<(string, object)>();
        var assigned = new List<DonationChange>();
        foreach (var (batch, numbering) in command.Batches.Zip(command.Numbers))
        {
            var involved = batch.Payments.Select(p => p.DonationId).Distinct().Select(id => donations[id]).ToList();
            receipts.Add((numbering.Number, ReceiptDecision.Issue(batch.Payments, command.Collective, command.PeriodFrom, command.PeriodTo, appeal,
                ReceiptDecision.UseFor(appeal, involved), numbering, command.Holder, command.Terms, batch.ReplacesNumber, command.IssuedAt, command.IssuedOn)));
            assigned.AddRange(batch.Payments.GroupBy(p => p.DonationId).Select(g => new DonationChange(g.Key,
                [new ReceiptAssigned(g.Key, numbering.Number, command.IssuedAt, g.Select(p => p.PaymentId).ToList())])));
        }
        return new ReceiptChanges(receipts, assigned);
    }
}
