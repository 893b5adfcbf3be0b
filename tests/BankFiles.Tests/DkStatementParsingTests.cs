using FlutHilfe.Domain.Payments;
using FlutHilfe.Domain.Shared;
using FlutHilfe.TestSupport;

namespace FlutHilfe.BankFiles.Tests;

/// <summary>The hand-written DK statements (tests/Api.Tests/BankStatements/Dk) as the parser reads them.</summary>
public class DkStatementParsingTests
{
    private static readonly CreditorReference P1 = CreditorReference.Create("539007547034");
    private static readonly CreditorReference P2 = CreditorReference.Create("2348231");
    private static readonly CreditorReference P3 = CreditorReference.Create("77777");

    private static CamtFile Parse(string name)
    {
        var xml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Dk", name))
            .Replace("{{RF:P1}}", P1.Value, StringComparison.Ordinal)
            .Replace("{{RFTYPED:P2}}", P2.ToPrintString().ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("{{RFTYPED:P3}}", P3.ToPrintString().ToLowerInvariant(), StringComparison.Ordinal)
            .Replace("{{RF:P4}}", P2.Value, StringComparison.Ordinal)
            .Replace("{{RF:P5}}", P3.Value, StringComparison.Ordinal)
            .Replace("{{RF:P6}}", P1.Value, StringComparison.Ordinal)
            .Replace("{{RF:P7}}", P1.Value, StringComparison.Ordinal);
        return CamtTestFiles.ParseString(xml);
    }

    [Fact]
    public void sequence_numbers_period_balances_and_dk_codes_are_read()
    {
        var statement = Parse("2021-11-22-stmt-226.camt053.001.08.xml").Statements.Single();
        (statement.ElectronicSequenceNumber, statement.LegalSequenceNumber).ShouldBe((226L, 226L));
        statement.FromDateTime.ShouldBe(new DateTimeOffset(2021, 11, 22, 0, 0, 0, TimeSpan.FromHours(1)));
        statement.ToDateTime!.Value.Date.ShouldBe(new DateTime(2021, 11, 22));
        statement.Balances.Select(b => (b.TypeCode, b.AmountCents)).ShouldBe([("OPBD", 100000L), ("CLBD", 152510L)]);
        var batch = statement.Entries[0];
        (batch.BatchTransactionCount, batch.Transactions.Count, batch.ProprietaryBankTransactionCode, batch.ProprietaryBankTransactionCodeIssuer)
            .ShouldBe((3, 3, "NTRF+166+00931", "DK"));
        statement.Entries.Sum(e => e.SignedAmountCents).ShouldBe(152510L - 100000L);
    }

    [Fact]
    public void every_reference_of_a_transfer_is_kept_structured_and_typed()
    {
        var batch = Parse("2021-11-22-stmt-226.camt053.001.08.xml").Statements.Single().Entries[0];
        Recording.NamedReferences(batch.Transactions[1]).ShouldBe([P2.Value, P3.Value]);
        batch.Transactions[2].StructuredReferences.ShouldBe([P2.Value, P3.Value]);
        Recording.NamedReferences(batch.Transactions[2]).ShouldBe([P2.Value, P3.Value]);
    }

    [Fact]
    public void returns_in_the_dk_files_are_classified_by_what_marks_them()
    {
        var first = Parse("2021-11-22-stmt-226.camt053.001.08.xml").Statements.Single();
        var back = first.Entries[^1];
        Recording.Classify(back, back.Transactions[0]).ShouldBe(PaymentKind.ReturnedTransfer);

        var returns = Parse("2021-11-23-stmt-227.camt053.001.02.xml").Statements.Single().Entries;
        returns.Select(e => ReturnCodes.Signal(e, e.Transactions[0])).ShouldBe([
            ReturnSignals.ReturnInformation, ReturnSignals.DkCode, ReturnSignals.IsoCode, ReturnSignals.ReversalIndicator]);
        returns.ShouldAllBe(e => Recording.Classify(e, e.Transactions[0]) == PaymentKind.Return);
    }
}
