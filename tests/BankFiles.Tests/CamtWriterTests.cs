using System.Diagnostics;
using FlutHilfe.TestSupport;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

public class CamtWriterTests(ITestOutputHelper output)
{
    private const string Iban = "DE02120300000000202051";

    internal static IEnumerable<GeneratedCredit> Generate(int count, int seed = 42)
    {
        var random = new Random(seed);
        var start = new DateOnly(2025, 11, 1);
        for (var i = 1; i <= count; i++)
        {
            var kind = random.Next(10);
            var amount = (long)random.Next(1, 500_000);
            var day = start.AddDays(random.Next(0, 28));
            yield return kind switch
            {
                < 6 => new GeneratedCredit(amount, day, $"E2E{i}", $"Spenderin {i} Müller & Söhne", $"DE{i % 100:00}500105170000{i:000000}",
                    StructuredReference: $"RF{i % 97:00}FH{i}", AccountServicerReference: $"ASR{i}"),
                < 8 => new GeneratedCredit(amount, day, null, $"Spender {i}", null, UnstructuredRemittance: $"Spende Hochwasser <{i}>  Danke", AccountServicerReference: $"ASR{i}"),
                8 => new GeneratedCredit(amount, day, $"E2E{i}", $"Spender {i}", $"DE{i % 100:00}500105170000{i:000000}",
                    AccountServicerReference: $"ASR{i}", Direction: CreditDebit.Debit, ReturnReasonCode: "AC04", MandateId: $"M{i}"),
                _ => new GeneratedCredit(amount, day, $"E2E{i}", AccountServicerReference: $"ASR{i}", Direction: CreditDebit.Debit, Reversal: true,
                    CreditorName: $"Empfänger {i}", CreditorIban: "DE75512108001245126199", ValueDate: day.AddDays(1)),
            };
        }
    }

    [Fact]
    public void Round_trip_of_1000_generated_bookings()
    {
        var generated = Generate(1000).ToList();
        var xml = CamtWriter.Write053v08("STMT-1", Iban, generated, new CamtWriterOptions { OpeningBalanceCents = 10_000 });
        var file = CamtTestFiles.ParseBytes(xml);

        file.Version.ShouldBe("053.001.08");
        var s = file.Statements.ShouldHaveSingleItem();
        s.StatementId.ShouldBe("STMT-1");
        s.AccountId.ShouldBe(Iban);
        s.Entries.Count.ShouldBe(1000);
        var net = generated.Sum(g => g.Direction == CreditDebit.Credit ? g.AmountCents : -g.AmountCents);
        s.Balances.Select(b => (b.TypeCode, b.AmountCents)).ShouldBe([("OPBD", 10_000L), ("CLBD", 10_000L + net)]);
        s.Entries.Sum(e => e.SignedAmountCents).ShouldBe(net);

        for (var i = 0; i < generated.Count; i++)
        {
            var g = generated[i];
            var e = s.Entries[i];
            e.Position.ShouldBe(i + 1);
            e.AmountCents.ShouldBe(g.AmountCents);
            e.Direction.ShouldBe(g.Direction);
            e.Reversal.ShouldBe(g.Reversal);
            e.Status.ShouldBe("BOOK");
            e.BookingDate.ShouldBe(g.BookingDate);
            e.ValueDate.ShouldBe(g.ValueDate ?? g.BookingDate);
            e.AccountServicerReference.ShouldBe(g.AccountServicerReference);
            e.BankTransactionCode.ShouldNotBeNull().ShouldStartWith("PMNT/");
            var t = e.Transactions.ShouldHaveSingleItem();
            t.AmountCents.ShouldBe(g.AmountCents);
            t.EndToEndId.ShouldBe(g.EndToEndId); // null written as NOTPROVIDED, read back as null
            t.DebtorName.ShouldBe(g.DebtorName);
            t.DebtorIban.ShouldBe(g.DebtorIban);
            t.CreditorName.ShouldBe(g.CreditorName);
            t.CreditorIban.ShouldBe(g.CreditorIban);
            t.StructuredReference.ShouldBe(g.StructuredReference);
            t.StructuredReferenceType.ShouldBe(g.StructuredReference is null ? null : "SCOR");
            t.UnstructuredRemittance.ShouldBe(g.UnstructuredRemittance);
            t.ReturnReasonCode.ShouldBe(g.ReturnReasonCode);
            t.MandateId.ShouldBe(g.MandateId);
        }

        var keys = CamtKeys.ForFile(file);
        keys.Select(k => k.Key).Distinct().Count().ShouldBe(1000);
    }

    [Fact]
    public void V02_writer_round_trips_with_v02_shapes()
    {
        var generated = Generate(50, seed: 7).ToList();
        var xml = CamtWriter.Write053v02("S2", Iban, generated);
        var text = System.Text.Encoding.UTF8.GetString(xml);
        text.ShouldContain(CamtWriter.Ns02);
        text.ShouldContain("<Sts>BOOK</Sts>");
        text.ShouldNotContain("<Pty>");
        var s = CamtTestFiles.ParseBytes(xml).Statements[0];
        s.Entries.Select(e => (e.AmountCents, e.Transactions[0].DebtorName, e.Transactions[0].StructuredReference))
            .ShouldBe(generated.Select(g => (g.AmountCents, g.DebtorName, g.StructuredReference)));
    }

    [Fact]
    public void Streams_100000_bookings_and_a_45_MB_file_parses_under_the_default_limit()
    {
        // Writing 100k straight into a counting sink: nothing is buffered in memory.
        var sink = new CountingStream();
        CamtWriter.Write053v08(sink, "BIG", Iban, Generate(100_000), new CamtWriterOptions { Indent = false });
        sink.BytesWritten.ShouldBeGreaterThan(50L * 1024 * 1024); // 100k bookings exceed the 50 MB upload limit
        var bytesPerBooking = sink.BytesWritten / 100_000;

        // The largest file that fits: parse it with the default 50 MB limit.
        var count = (int)(45L * 1024 * 1024 / bytesPerBooking);
        var path = Path.Combine(Path.GetTempPath(), $"camt-big-{Guid.NewGuid():N}.xml");
        try
        {
            using (var fs = File.Create(path))
            {
                CamtWriter.Write053v08(fs, "BIG", Iban, Generate(count), new CamtWriterOptions { Indent = false });
            }

            new FileInfo(path).Length.ShouldBeLessThan(CamtParserOptions.DefaultMaxInputBytes);
            CamtFile file;
            using (var fs = File.OpenRead(path))
            {
                file = CamtParser.Parse(fs);
            }

            file.Statements[0].Entries.Count.ShouldBe(count);
            CamtKeys.ForFile(file).Count.ShouldBe(count);
            output.WriteLine($"100k bookings = {sink.BytesWritten:N0} bytes ({bytesPerBooking} per booking); parsed {count:N0} bookings from {new FileInfo(path).Length:N0} bytes");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class CountingStream : Stream
    {
        public long BytesWritten { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => BytesWritten;
        public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => BytesWritten += count;
    }
}
