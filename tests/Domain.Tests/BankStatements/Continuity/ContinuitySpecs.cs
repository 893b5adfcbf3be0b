using FlutHilfe.Domain.BankStatements.Continuity;
using FlutHilfe.Domain.Shared;
using FlutHilfe.Domain.Tests.Support;

namespace FlutHilfe.Domain.Tests.BankStatements.Continuity;

/// <summary>Opening + entries = closing, and the sequence numbers per account and year: reported, never refused.</summary>
public class ContinuitySpecs
{
    private const string Account = "DE89370400440532013000";
    private static readonly DateOnly Day = new(2021, 11, 22);

    private static StatementContent Statement(string id, long? seq, long opening, long closing, params long[] signedEntries)
        => new(Account, id, seq, seq, null, null, null,
            [new StatedBalance("PRCD", opening, "EUR", Day.AddDays(-1)), new StatedBalance("CLBD", closing, "EUR", Day)],
            [.. signedEntries.Select(cents => new StatedEntry(true, cents, Day))]);

    private static BankStatementRecorded Record(StatementContent s, params BankStatementRecorded[] known)
        => StatementContinuity.Record(s, "freude-schenken-2021", known.Select(r => StatementContinuity.Evolve(null, r)!).ToList(), Samples.Now);

    private static IEnumerable<string> Codes(BankStatementRecorded r) => r.Warnings.Select(w => w.Code);

    [Fact]
    public void a_statement_whose_entries_lead_from_opening_to_closing_balance_has_no_warning()
    {
        var recorded = Record(Statement("S226", 226, 100000, 113510, 14500, -990));
        recorded.Warnings.ShouldBeEmpty();
        (recorded.BookedTotal, recorded.SequenceYear).ShouldBe((new Money(13510), 2021));
        StatementContinuity.Evolve(null, recorded)!.Balanced.ShouldBe(true);
    }

    [Fact]
    public void a_difference_between_opening_plus_entries_and_closing_is_reported_with_both_sums()
    {
        var recorded = Record(Statement("S226", 226, 100000, 120000, 14500));
        var warning = recorded.Warnings.ShouldHaveSingleItem();
        warning.Code.ShouldBe("balance-mismatch");
        warning.Message.ShouldContain("1.145,00");
        warning.MessageDe.ShouldContain("Differenz 55,00");
    }

    [Fact]
    public void pending_entries_do_not_count_and_missing_balances_are_reported()
    {
        var pending = Statement("S1", 1, 0, 500, 500);
        var withPending = pending with { Entries = [.. pending.Entries, pending.Entries[0] with { Booked = false }] };
        Record(withPending).Warnings.ShouldBeEmpty();
        Codes(Record(withPending with { Balances = [] })).ShouldBe(["balance-missing"]);
    }

    [Fact]
    public void a_gap_in_the_sequence_is_reported_with_the_missing_numbers_and_a_late_statement_fills_it_silently()
    {
        var s226 = Record(Statement("S226", 226, 0, 100, 100));
        var s229 = Record(Statement("S229", 229, 100, 200, 100), s226);
        Codes(s229).ShouldBe(["electronic-sequence-gap", "legal-sequence-gap"]);
        s229.Warnings[0].Message.ShouldContain("missing: 227–228");

        var s227 = Record(Statement("S227", 227, 100, 100), s226, s229);
        s227.Warnings.ShouldBeEmpty();
        StatementContinuity.Gaps([226, 227, 229]).ShouldBe([new SequenceGap(228, 228)]);
    }

    [Fact]
    public void a_number_given_twice_is_reported_but_the_first_statement_of_an_account_or_year_is_not_a_gap()
    {
        var first = Record(Statement("S226", 226, 0, 100, 100));
        first.Warnings.ShouldBeEmpty();
        Codes(Record(Statement("S226-NEU", 226, 100, 200, 100), first)).ShouldContain("electronic-sequence-repeated");
        // DK counts per calendar year: number 1 in January follows 250 of December.
        var january = Record(Statement("S001", 1, 0, 0) with { Balances = [new StatedBalance("PRCD", 0, "EUR", new DateOnly(2021, 12, 31)), new StatedBalance("CLBD", 0, "EUR", new DateOnly(2022, 1, 3))] }, first);
        january.SequenceYear.ShouldBe(2022);
        january.Warnings.ShouldBeEmpty();
        StatementContinuity.Repeats([226, 226, 227]).ShouldBe([226L]);
    }

    [Fact]
    public void the_opening_balance_must_be_the_previous_closing_balance()
    {
        var s226 = Record(Statement("S226", 226, 0, 100, 100));
        var s227 = Record(Statement("S227", 227, 150, 250, 100), s226);
        Codes(s227).ShouldBe(["balance-chain-broken"]);
        s227.Warnings[0].MessageDe.ShouldContain("S226");
    }

    [Fact]
    public void the_same_statement_has_the_same_key_and_is_not_compared_with_itself()
    {
        var s226 = Record(Statement("S226", 226, 0, 100, 100));
        StatementContinuity.KeyFor(Account, "S226").ShouldBe(s226.StatementKey);
        Record(Statement("S226", 226, 0, 100, 100), s226).Warnings.ShouldBeEmpty();
    }
}
