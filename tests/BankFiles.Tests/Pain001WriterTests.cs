using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using CsCheck;
using FlutHilfe.BankFiles.Sepa;
using FlutHilfe.Domain.Shared;
using Shouldly;
using Xunit;

namespace FlutHilfe.BankFiles.Tests;

/// <summary>
/// The payment file the treasury uploads to the bank: every file the writer produces is valid against the EPC's schema of
/// pain.001.001.09 (element order, required elements, lengths, amount format, IBAN/BIC patterns), its control sums and
/// counts are those of its transfers, and every text is in the SEPA character set.
/// </summary>
public class Pain001WriterTests
{
    private static readonly XNamespace Ns = Pain001Writer.Namespace;
    private static readonly Lazy<XmlSchemaSet> Schema = new(() =>
    {
        var set = new XmlSchemaSet();
        set.Add(Pain001Writer.Namespace, Path.Combine(AppContext.BaseDirectory, "Schemas", "pain.001.001.09.xsd"));
        set.Compile();
        return set;
    });

    private static readonly SepaParty Treasury = new("Region Aachen Zweckverband", Iban.Parse("DE89 3704 0044 0532 0130 00"), Bic.Parse("COBADEFFXXX"));

    private static SepaCreditTransferFile File(params SepaCreditTransfer[] transfers) => new(
        "FH-PAY-20261130-0001", new DateTimeOffset(2026, 11, 30, 10, 15, 0, TimeSpan.FromHours(1)), "Region Aachen Zweckverband",
        Treasury, new DateOnly(2026, 12, 1), transfers);

    private static SepaCreditTransfer ToMunicipality(string id, long cents, string name = "Stadt Stolberg (Rhld.)", string text = "Spendenaufruf Hochwasser: Zuweisung 2026-07")
        => new(id, new Money(cents), new SepaParty(name, Iban.Parse("DE02 1203 0000 0000 2020 51")), text, "GOVT");

    private static List<string> Validate(byte[] file)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schema.Value, DtdProcessing = DtdProcessing.Prohibit };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(file), settings);
        while (reader.Read()) { }
        return errors;
    }

    [Fact]
    public void A_file_of_transfers_to_municipalities_and_a_refund_is_valid_against_the_EPC_schema()
    {
        var file = Pain001Writer.Write(File(
            ToMunicipality("FH-D-0001", 1_250_000),
            ToMunicipality("FH-D-0002", 37_50, "Gemeinde Roetgen"),
            new SepaCreditTransfer("FH-R-0001", new Money(50_00), new SepaParty("Erika Mustermann", Iban.Parse("DE75512108001245126199"), Bic.Parse("SOGEDEFFXXX")),
                "Rueckzahlung Ihrer Spende RF18539007547034")));

        Validate(file).ShouldBeEmpty();
        var doc = XDocument.Load(new MemoryStream(file));
        var header = doc.Root!.Element(Ns + "CstmrCdtTrfInitn")!.Element(Ns + "GrpHdr")!;
        header.Element(Ns + "NbOfTxs")!.Value.ShouldBe("3");
        header.Element(Ns + "CtrlSum")!.Value.ShouldBe("12587.50");
        header.Element(Ns + "MsgId")!.Value.ShouldBe("FH-PAY-20261130-0001");
        header.Element(Ns + "CreDtTm")!.Value.ShouldBe("2026-11-30T09:15:00Z");

        // One block per category purpose: the municipalities' (GOVT) and the refund's (none).
        var blocks = doc.Descendants(Ns + "PmtInf").ToList();
        blocks.Count.ShouldBe(2);
        blocks[0].Element(Ns + "PmtTpInf")!.Element(Ns + "CtgyPurp")!.Element(Ns + "Cd")!.Value.ShouldBe("GOVT");
        blocks[1].Element(Ns + "PmtTpInf")!.Element(Ns + "CtgyPurp").ShouldBeNull();
        blocks[0].Element(Ns + "CtrlSum")!.Value.ShouldBe("12537.50");
        blocks[0].Element(Ns + "NbOfTxs")!.Value.ShouldBe("2");
        blocks[1].Element(Ns + "CtrlSum")!.Value.ShouldBe("50.00");
        blocks.Select(b => b.Element(Ns + "PmtInfId")!.Value).ShouldBe(["FH-PAY-20261130-0001-1", "FH-PAY-20261130-0001-2"]);
        foreach (var block in blocks)
        {
            block.Element(Ns + "PmtTpInf")!.Element(Ns + "SvcLvl")!.Element(Ns + "Cd")!.Value.ShouldBe("SEPA");
            block.Element(Ns + "ChrgBr")!.Value.ShouldBe("SLEV");
            block.Element(Ns + "ReqdExctnDt")!.Element(Ns + "Dt")!.Value.ShouldBe("2026-12-01");
            block.Element(Ns + "DbtrAcct")!.Descendants(Ns + "IBAN").Single().Value.ShouldBe("DE89370400440532013000");
            block.Element(Ns + "DbtrAgt")!.Descendants(Ns + "BICFI").Single().Value.ShouldBe("COBADEFFXXX");
        }
        doc.Descendants(Ns + "EndToEndId").Select(e => e.Value).ShouldBe(["FH-D-0001", "FH-D-0002", "FH-R-0001"]);
        doc.Descendants(Ns + "InstdAmt").Select(e => (e.Value, e.Attribute("Ccy")!.Value)).ShouldBe([("12500.00", "EUR"), ("37.50", "EUR"), ("50.00", "EUR")]);
    }

    [Fact]
    public void The_file_is_utf8_without_a_byte_order_mark_and_names_its_namespace()
    {
        var file = Pain001Writer.Write(File(ToMunicipality("FH-D-0001", 1)));
        file.Take(3).ShouldNotBe(new byte[] { 0xEF, 0xBB, 0xBF });
        Encoding.UTF8.GetString(file).ShouldStartWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        XDocument.Load(new MemoryStream(file)).Root!.Name.ShouldBe(Ns + "Document");
        Validate(file).ShouldBeEmpty();
    }

    [Fact]
    public void Texts_are_written_in_the_SEPA_character_set_and_cut_at_their_lengths()
    {
        var longName = "Kindertagesstätte „Sonnenschein“ der Gemeinde Simmerath – Träger: Evangelische Jugendhilfe Aachen-Süd e. V.";
        var longText = "Zuweisung für Kinder: Schulmaterial & Weihnachtsfeier 🎄 — Beschluss 2026/17 des Verbandsausschusses vom 28.11.2026; "
                       + "Verwendungsnachweis bis 30.06.2027 (Förderrichtlinie § 4)";
        var file = Pain001Writer.Write(File(ToMunicipality("FH-D-0001", 99_00, longName, longText)));

        Validate(file).ShouldBeEmpty();
        var doc = XDocument.Load(new MemoryStream(file));
        var name = doc.Descendants(Ns + "Cdtr").Single().Element(Ns + "Nm")!.Value;
        name.Length.ShouldBeLessThanOrEqualTo(70);
        name.ShouldStartWith("Kindertagesstaette 'Sonnenschein' der Gemeinde Simmerath - Traeger");
        var text = doc.Descendants(Ns + "Ustrd").Single().Value;
        text.Length.ShouldBeLessThanOrEqualTo(140);
        text.ShouldStartWith("Zuweisung fuer Kinder: Schulmaterial + Weihnachtsfeier - Beschluss 2026/17");
        foreach (var node in doc.Descendants().Where(e => !e.HasElements))
            node.Value.All(SepaText.IsSepaCharacter).ShouldBeTrue($"{node.Name.LocalName} = '{node.Value}'");
    }

    [Fact]
    public void Amounts_are_written_with_a_point_and_two_decimals_from_one_cent_to_the_SEPA_maximum()
    {
        var file = Pain001Writer.Write(File(ToMunicipality("A", 1), ToMunicipality("B", 10), ToMunicipality("C", 99_999_999_999), ToMunicipality("D", 100)));
        Validate(file).ShouldBeEmpty();
        XDocument.Load(new MemoryStream(file)).Descendants(Ns + "InstdAmt").Select(e => e.Value).ShouldBe(["0.01", "0.10", "999999999.99", "1.00"]);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(100_000_000_000L)]
    public void An_amount_outside_what_one_SEPA_transfer_carries_is_refused(long cents)
        => Should.Throw<ArgumentException>(() => Pain001Writer.Write(File(ToMunicipality("FH-D-0001", cents)))).Message.ShouldContain("FH-D-0001");

    [Theory]
    [InlineData("")]
    [InlineData("/FH-1")]
    [InlineData("FH-1/")]
    [InlineData("FH//1")]
    [InlineData("FH_1")]
    [InlineData("FH 1 ")]
    [InlineData("123456789012345678901234567890123456")]
    public void An_end_to_end_id_the_bank_would_refuse_is_refused(string id)
    {
        Pain001Writer.IsValidId(id).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => Pain001Writer.Write(File(ToMunicipality(id, 1_00))));
    }

    [Fact]
    public void The_same_end_to_end_id_twice_in_one_file_is_refused_because_the_statement_could_not_tell_the_payments_apart()
        => Should.Throw<ArgumentException>(() => Pain001Writer.Write(File(ToMunicipality("FH-D-1", 1_00), ToMunicipality("FH-D-1", 2_00)))).Message.ShouldContain("twice");

    [Fact]
    public void An_empty_file_is_refused() => Should.Throw<ArgumentException>(() => Pain001Writer.Write(File()));

    [Fact]
    public void Without_a_BIC_the_debtor_agent_is_NOTPROVIDED_and_the_creditor_agent_is_left_out()
    {
        var file = Pain001Writer.Write(File(ToMunicipality("FH-D-0001", 5_00)) with { Debtor = Treasury with { Bic = null } });
        Validate(file).ShouldBeEmpty();
        var doc = XDocument.Load(new MemoryStream(file));
        doc.Descendants(Ns + "DbtrAgt").Single().Descendants(Ns + "Id").Single().Value.ShouldBe("NOTPROVIDED");
        doc.Descendants(Ns + "CdtrAgt").ShouldBeEmpty();
    }

    [Fact]
    public void Any_mix_of_transfers_gives_a_valid_file_whose_sums_and_counts_add_up()
    {
        var transfer = Gen.Select(Gen.Long[1, 99_999_999_999], Gen.OneOf<string?>("GOVT", null, "SUPP"), Gen.String[Gen.Char.AlphaNumeric, 0, 200],
            Gen.String[Gen.Char[' ', 'ÿ'], 1, 90],
            (cents, purpose, text, name) => (cents, purpose, text, name));
        transfer.List[1, 30].Sample(list =>
        {
            var transfers = list.Select((t, i) => new SepaCreditTransfer($"FH-{i}", new Money(t.cents),
                new SepaParty("Empfänger " + t.name, Iban.Parse("DE02120300000000202051")), t.text, t.purpose)).ToArray();
            var file = Pain001Writer.Write(File(transfers));
            Validate(file).ShouldBeEmpty();
            var doc = XDocument.Load(new MemoryStream(file));
            var total = transfers.Sum(t => t.Amount.Cents);
            Cents(doc.Root!.Descendants(Ns + "GrpHdr").Single().Element(Ns + "CtrlSum")!.Value).ShouldBe(total);
            doc.Root!.Descendants(Ns + "GrpHdr").Single().Element(Ns + "NbOfTxs")!.Value.ShouldBe(transfers.Length.ToString(CultureInfo.InvariantCulture));
            foreach (var block in doc.Descendants(Ns + "PmtInf"))
            {
                var amounts = block.Descendants(Ns + "InstdAmt").Select(a => Cents(a.Value)).ToList();
                Cents(block.Element(Ns + "CtrlSum")!.Value).ShouldBe(amounts.Sum());
                block.Element(Ns + "NbOfTxs")!.Value.ShouldBe(amounts.Count.ToString(CultureInfo.InvariantCulture));
            }
            doc.Descendants(Ns + "EndToEndId").Select(e => e.Value).Order().ShouldBe(transfers.Select(t => t.EndToEndId).Order());
        }, iter: 200);
    }

    private static long Cents(string value) => (long)(decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * 100);
}
