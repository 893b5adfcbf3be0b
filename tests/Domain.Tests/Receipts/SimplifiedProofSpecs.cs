using FlutHilfe.Domain.Receipts;
using FlutHilfe.Domain.Tests.Support;
using static FlutHilfe.Domain.Tests.Receipts.ReceiptPolicySpecs;

namespace FlutHilfe.Domain.Tests.Receipts;

/// <summary>§ 50 Abs. 4 EStDV, per payment: up to 300 € or into the disaster account within 15.07.–31.12.2021 the bank statement suffices.</summary>
public class SimplifiedProofSpecs
{
    private static ProofNeed Need(params object[] events) => SimplifiedProof.For(Spec.Donation().Given(events).State!, Samples.Appeal());

    [Theory]
    [InlineData(30_000, "2022-01-10", ProofNeed.BankStatementSuffices)]
    [InlineData(30_001, "2022-01-10", ProofNeed.ReceiptNeeded)]
    [InlineData(30_001, "2021-07-14", ProofNeed.ReceiptNeeded)]
    [InlineData(30_001, "2021-07-15", ProofNeed.BankStatementSuffices)]
    [InlineData(100_000, "2021-12-31", ProofNeed.BankStatementSuffices)]
    [InlineData(100_000, "2022-01-01", ProofNeed.ReceiptNeeded)]
    public void the_bank_statement_suffices_up_to_300_euros_or_within_the_disaster_window(long cents, string day, ProofNeed need)
        => Need(Pledged(cents), Paid(Guid.CreateVersion7(), cents, DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture))).ShouldBe(need);

    [Fact]
    public void each_payment_is_a_zuwendung_of_its_own()
    {
        var day = new DateOnly(2022, 2, 1);
        Need(Pledged(50_000), Paid(Guid.CreateVersion7(), 25_000, day), Paid(Guid.CreateVersion7(), 25_000, day.AddDays(3))).ShouldBe(ProofNeed.BankStatementSuffices);
        Need(Pledged(50_000), Paid(Guid.CreateVersion7(), 15_000, day), Paid(Guid.CreateVersion7(), 35_000, day.AddDays(3))).ShouldBe(ProofNeed.ReceiptNeeded);
    }

    [Fact]
    public void nothing_paid_needs_no_proof_yet()
        => Need(Pledged(50_000)).ShouldBe(ProofNeed.NothingPaid);
}
