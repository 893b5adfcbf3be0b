using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtKeysTests
{
    private const string Iban = "DE02120300000000202051";

    private static readonly DateOnly Day = new(2025, 11, 20);

    private static CamtFile Parse(byte[] xml) => CamtTestFiles.ParseBytes(xml);

    private static GeneratedCredit Donation(int i, DateOnly? day = null) => new(
        AmountCents: 1000 + i,
        BookingDate: day ?? Day.AddDays(i % 3),
        EndToEndId: $"E2E-{i}",
        DebtorName: $"Spender {i}",
        DebtorIban: $"DE8937040044053201{i:0000}",
        StructuredReference: $"RF{i:00}FLUT{i}",
        AccountServicerReference: $"ASR-{i}");

    // Anonymous cash-like credit without any reference: several of these can be genuinely distinct.
    private static GeneratedCredit NoReference(DateOnly day) => new(AmountCents: 2000, BookingDate: day);

    [Fact]
    public void Key_is_a_sha256_hex_and_a_pure_function()
    {
        var file = Parse(CamtWriter.Write053v08("S1", Iban, [Donation(1)]));
        var s = file.Statements[0];
        var key = CamtKeys.TransactionKey(s.AccountId, s.Entries[0], s.Entries[0].Transactions[0]);
        key.Length.ShouldBe(64);
        key.ShouldMatch("^[0-9a-f]{64}$");
        CamtKeys.TransactionKey(s.AccountId, s.Entries[0], s.Entries[0].Transactions[0]).ShouldBe(key);
        CamtKeys.ForFile(file).ShouldHaveSingleItem().Key.ShouldBe(key);
        CamtKeys.TransactionKey("de02 1203 0000 0000 2020 51", s.Entries[0], s.Entries[0].Transactions[0]).ShouldBe(key); // account normalised
    }

    [Fact]
    public void Same_statement_imported_twice_yields_the_same_keys()
    {
        var bookings = Enumerable.Range(1, 20).Select(i => Donation(i)).Append(NoReference(Day)).Append(NoReference(Day)).ToList();
        var first = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S1", Iban, bookings))).Select(k => k.Key).ToList();
        var second = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S1", Iban, bookings))).Select(k => k.Key).ToList();
        second.ShouldBe(first);
        first.Distinct().Count().ShouldBe(22);
    }

    [Fact]
    public void Two_identical_bookings_without_references_in_one_statement_stay_distinct()
    {
        var keyed = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S1", Iban, [NoReference(Day), Donation(1), NoReference(Day)])));
        keyed.Select(k => k.Occurrence).ShouldBe([1, 1, 2]);
        keyed[0].Key.ShouldNotBe(keyed[2].Key);
        CamtKeys.CanonicalString(Iban, keyed[0].Entry, keyed[0].Transaction).ShouldBe(CamtKeys.CanonicalString(Iban, keyed[2].Entry, keyed[2].Transaction));
        CamtKeys.TransactionKey(Iban, keyed[2].Entry, keyed[2].Transaction, occurrence: 2).ShouldBe(keyed[2].Key);
    }

    [Fact]
    public void Overlapping_statement_in_a_different_order_yields_the_same_keys_for_repeated_bookings()
    {
        var earlier = Enumerable.Range(1, 10).Select(i => Donation(i)).Append(NoReference(Day)).Append(NoReference(Day)).ToList();
        // The later statement repeats the second half (and both anonymous twins) in another order, then adds new ones.
        var repeated = earlier.Skip(5).Reverse().ToList();
        var later = repeated.Take(3).Concat(Enumerable.Range(11, 5).Select(i => Donation(i))).Concat(repeated.Skip(3)).ToList();

        var a = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S-2025-11-A", Iban, earlier)));
        var b = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S-2025-11-B", Iban, later)));

        var aKeys = a.Select(k => k.Key).ToHashSet();
        var repeatedInB = b.Where(k => k.Entry.AccountServicerReference is null || int.Parse(k.Entry.AccountServicerReference[4..], System.Globalization.CultureInfo.InvariantCulture) <= 10).ToList();
        repeatedInB.Count.ShouldBe(7);
        repeatedInB.ShouldAllBe(k => aKeys.Contains(k.Key));
        b.Except(repeatedInB).ShouldAllBe(k => !aKeys.Contains(k.Key));

        // Same booking → same key, although the entry position differs between the statements.
        var inA = a.Single(k => k.Entry.AccountServicerReference == "ASR-6");
        var inB = b.Single(k => k.Entry.AccountServicerReference == "ASR-6");
        inA.Entry.Position.ShouldNotBe(inB.Entry.Position);
        inB.Key.ShouldBe(inA.Key);

        // Importing both: the union has exactly the 10 + 2 + 5 distinct bookings.
        a.Concat(b).Select(k => k.Key).Distinct().Count().ShouldBe(17);
    }

    [Fact]
    public void Same_booking_rendered_as_v02_and_v08_has_the_same_key()
    {
        var bookings = Enumerable.Range(1, 5).Select(i => Donation(i)).ToList();
        var v02 = CamtKeys.ForFile(Parse(CamtWriter.Write053v02("S1", Iban, bookings))).Select(k => k.Key);
        var v08 = CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S1", Iban, bookings))).Select(k => k.Key);
        v02.ShouldBe(v08);
    }

    [Fact]
    public void Each_keyed_field_changes_the_key()
    {
        var baseline = Donation(1);
        var variants = new[]
        {
            baseline with { AmountCents = baseline.AmountCents + 1 },
            baseline with { BookingDate = baseline.BookingDate.AddDays(1) },
            baseline with { EndToEndId = "other" },
            baseline with { StructuredReference = "RF00OTHER" },
            baseline with { UnstructuredRemittance = "Spende" },
            baseline with { DebtorIban = "DE75512108001245126199" },
            baseline with { AccountServicerReference = "ASR-other" },
            baseline with { Direction = CreditDebit.Debit },
            baseline with { Reversal = true },
            baseline with { ReturnReasonCode = "AC04" },
            baseline with { MandateId = "M-1" },
        };
        var keyOf = (GeneratedCredit g, string iban) => CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S1", iban, [g]))).Single().Key;
        var baseKey = keyOf(baseline, Iban);
        var keys = variants.Select(v => keyOf(v, Iban)).Append(keyOf(baseline, "DE75512108001245126199")).ToList();
        keys.ShouldAllBe(k => k != baseKey);
        keys.Distinct().Count().ShouldBe(keys.Count);

        // Not keyed: names, value date, statement id.
        keyOf(baseline with { DebtorName = "Renamed" }, Iban).ShouldBe(baseKey);
        keyOf(baseline with { ValueDate = baseline.BookingDate.AddDays(2) }, Iban).ShouldBe(baseKey);
        CamtKeys.ForFile(Parse(CamtWriter.Write053v08("S-other", Iban, [baseline]))).Single().Key.ShouldBe(baseKey);
    }

    [Fact]
    public void Transaction_position_within_an_entry_is_part_of_the_key()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example.xml");
        var batch = file.Statements[0].Entries[3];
        var t1 = batch.Transactions[0];
        var moved = t1 with { Position = 2 };
        CamtKeys.TransactionKey(file.Statements[0].AccountId, batch, t1)
            .ShouldNotBe(CamtKeys.TransactionKey(file.Statements[0].AccountId, batch, moved));
        // ...but the entry position is not.
        CamtKeys.TransactionKey(file.Statements[0].AccountId, batch with { Position = 99 }, t1)
            .ShouldBe(CamtKeys.TransactionKey(file.Statements[0].AccountId, batch, t1));
    }

    [Fact]
    public void Canonical_string_is_unambiguous()
    {
        var entry = CamtTestFiles.ParseString(CamtTestFiles.Statement(CamtTestFiles.Entry())).Statements[0].Entries[0];
        var tx = entry.Transactions[0];
        var a = tx with { EndToEndId = "A|1:B", UnstructuredRemittance = null };
        var b = tx with { EndToEndId = "A", UnstructuredRemittance = "B" };
        var c = tx with { EndToEndId = "-", UnstructuredRemittance = null };
        var d = tx with { EndToEndId = null, UnstructuredRemittance = null };
        new[] { a, b, c, d }.Select(t => CamtKeys.TransactionKey(Iban, entry, t)).Distinct().Count().ShouldBe(4);
        CamtKeys.TransactionKey(Iban, entry, tx with { UnstructuredRemittance = "Spende  fuer\tFlut" })
            .ShouldBe(CamtKeys.TransactionKey(Iban, entry, tx with { UnstructuredRemittance = "Spende fuer Flut" }));
    }

    [Fact]
    public void Batch_without_details_gets_one_key()
    {
        var file = CamtTestFiles.ParseSample("viafintech-valid_example_with_batch.xml");
        var s = file.Statements[0];
        var key = CamtKeys.TransactionKey(s.AccountId, s.Entries[0], null);
        CamtKeys.ForFile(file)[0].Key.ShouldBe(key);
        key.ShouldNotBe(CamtKeys.TransactionKey(s.AccountId, s.Entries[0] with { BatchTransactionCount = 4 }, null));
    }
}
