using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Payments;

namespace FlutHilfe.BankFiles.Tests;

/// <summary>How a booking of a statement becomes a kind of payment: money in, money out, a return (recognised by its
/// bank transaction code alone, by return information or by the reversal flag), or ours coming back.</summary>
public class RecordingTests
{
    private static readonly DateOnly Day = new(2021, 11, 22);

    private static (CamtEntry, CamtTransaction) Booking(CreditDebit direction, string? domain = null, string? prtry = null, string? issuer = "DK",
        bool reversal = false, bool rtrInf = false, string? reason = null, bool codesOnTransaction = false)
    {
        var tx = new CamtTransaction(1, 100, false, null, null, null, null, null, null, null, null, null, null, null, null, reason,
            codesOnTransaction ? domain ?? prtry : null, null, null,
            codesOnTransaction ? prtry : null, codesOnTransaction ? issuer : null, rtrInf);
        var entry = new CamtEntry(1, 100, "EUR", direction, reversal, "BOOK", Day, Day, null, null,
            codesOnTransaction ? null : domain ?? prtry, codesOnTransaction ? null : prtry, null, [tx], false, null, codesOnTransaction ? null : issuer);
        return (entry, tx);
    }

    public static TheoryData<string, CreditDebit, string?, string?, string?, PaymentKind> Codes => new()
    {
        // ISO: a received credit transfer given back leaves as a return; a transfer of ours coming back is no donation.
        { "ISO RCDT/RRTN debit", CreditDebit.Debit, "PMNT/RCDT/RRTN", null, null, PaymentKind.Return },
        { "ISO ICDT/RRTN credit", CreditDebit.Credit, "PMNT/ICDT/RRTN", null, null, PaymentKind.ReturnedTransfer },
        { "ISO recall", CreditDebit.Debit, "PMNT/RCDT/RPCR", null, null, PaymentKind.Return },
        { "ISO ordinary credit", CreditDebit.Credit, "PMNT/RCDT/ESCT", null, null, PaymentKind.Credit },
        { "ISO ordinary debit", CreditDebit.Debit, "PMNT/ICDT/ESCT", null, null, PaymentKind.Debit },
        // DK: returned item (RTI) whatever the GVC, and the return GVCs 159, 108, 109.
        { "DK NRTI+159 credit", CreditDebit.Credit, null, "NRTI+159+00931", "DK", PaymentKind.ReturnedTransfer },
        { "DK NMSC+109 debit", CreditDebit.Debit, null, "NMSC+109+00931", "DK", PaymentKind.Return },
        { "DK NMSC+108 debit", CreditDebit.Debit, null, "NMSC+108", "DK", PaymentKind.Return },
        { "DK NRTI+116 debit", CreditDebit.Debit, null, "NRTI+116+00931", "DK", PaymentKind.Return },
        { "older ZKA issuer", CreditDebit.Debit, null, "NMSC+109", "ZKA", PaymentKind.Return },
        { "no issuer, DK shape", CreditDebit.Debit, null, "NMSC+159", null, PaymentKind.Return },
        { "DK transfer credit", CreditDebit.Credit, null, "NTRF+166+00931", "DK", PaymentKind.Credit },
        { "DK fee", CreditDebit.Debit, null, "NCHG+805", "DK", PaymentKind.Debit },
        // Another issuer's numbers mean something else.
        { "foreign issuer", CreditDebit.Debit, null, "NMSC+109", "BANKXY", PaymentKind.Debit },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void returns_are_recognised_by_their_bank_transaction_code_alone(string name, CreditDebit direction, string? domain, string? prtry, string? issuer, PaymentKind expected)
    {
        var (entry, tx) = Booking(direction, domain, prtry, issuer);
        Recording.Classify(entry, tx).ShouldBe(expected, name);
        var (onTx, tx2) = Booking(direction, domain, prtry, issuer, codesOnTransaction: true);
        Recording.Classify(onTx, tx2).ShouldBe(expected, name + " (code on the transaction)");
    }

    [Fact]
    public void returns_are_also_recognised_by_return_information_or_the_reversal_flag()
    {
        var (rtr, rtrTx) = Booking(CreditDebit.Debit, rtrInf: true);
        (Recording.Classify(rtr, rtrTx), ReturnCodes.Signal(rtr, rtrTx)).ShouldBe((PaymentKind.Return, ReturnSignals.ReturnInformation));
        var (rvsl, rvslTx) = Booking(CreditDebit.Debit, reversal: true);
        (Recording.Classify(rvsl, rvslTx), ReturnCodes.Signal(rvsl, rvslTx)).ShouldBe((PaymentKind.Return, ReturnSignals.ReversalIndicator));
        var (reversedDebit, reversedTx) = Booking(CreditDebit.Credit, reversal: true);
        Recording.Classify(reversedDebit, reversedTx).ShouldBe(PaymentKind.ReturnedTransfer);
    }

    [Theory]
    [InlineData(CreditDebit.Credit, false, null, PaymentKind.Credit)]
    [InlineData(CreditDebit.Credit, false, "AC04", PaymentKind.ReturnedTransfer)]
    [InlineData(CreditDebit.Debit, false, null, PaymentKind.Debit)]
    [InlineData(CreditDebit.Debit, false, "MD06", PaymentKind.Return)]
    [InlineData(CreditDebit.Debit, true, null, PaymentKind.Return)]
    public void recording_classifies_bookings(CreditDebit direction, bool reversal, string? returnReason, PaymentKind expected)
    {
        var tx = new CamtTransaction(1, 100, false, null, null, null, null, null, null, null, null, null, null, null, null, returnReason, null, null);
        var entry = new CamtEntry(1, 100, "EUR", direction, reversal, "BOOK", Day, Day, null, null, null, null, null, [tx], false, null);
        Recording.Classify(entry, tx).ShouldBe(expected);
    }

    [Fact]
    public void a_statement_reaches_the_continuity_checks_with_its_balances_and_pending_entries_marked()
    {
        var credit = new CamtEntry(1, 1_000, "EUR", CreditDebit.Credit, false, "BOOK", Day, Day.AddDays(1), null, null, null, null, null, [], false, null);
        var debitWithoutBookingDate = credit with { Position = 2, AmountCents = 300, Direction = CreditDebit.Debit, BookingDate = null };
        var pending = credit with { Position = 3, Status = "PDNG" };
        var from = new DateTimeOffset(2021, 11, 22, 0, 0, 0, TimeSpan.FromHours(1));
        var statement = new CamtStatement(1, "S-227", "DE89370400440532013000", true, "EUR", from.AddHours(20),
            [new CamtBalance("PRCD", 500, "EUR", Day.AddDays(-1)), new CamtBalance("CLBD", -1, "CHF", Day)],
            [credit, debitWithoutBookingDate, pending], 227, 12, from, from.AddHours(23));

        var content = Recording.Statement(statement);

        (content.AccountIban, content.StatementId, content.ElectronicSequenceNumber, content.LegalSequenceNumber)
            .ShouldBe(("DE89370400440532013000", "S-227", 227L, 12L));
        (content.From, content.To, content.CreatedAt).ShouldBe((from, from.AddHours(23), from.AddHours(20)));
        content.Balances.ShouldBe([new StatedBalance("PRCD", 500, "EUR", Day.AddDays(-1)), new StatedBalance("CLBD", -1, "CHF", Day)]);
        content.Entries.ShouldBe([new StatedEntry(true, 1_000, Day), new StatedEntry(true, -300, Day.AddDays(1)), new StatedEntry(false, 1_000, Day)]);
    }
}
