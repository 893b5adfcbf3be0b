using System.Globalization;
using System.Text;
using System.Xml;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.BankFiles.Sepa;

/// <summary>An account in a payment file: the holder's name as the bank shall print it, the IBAN and, optionally, the BIC.</summary>
public sealed record SepaParty(string Name, Iban Iban, Bic? Bic = null);

/// <summary>One SEPA credit transfer of a payment file.</summary>
/// <param name="EndToEndId">Our id of the payment (≤ 35 SEPA characters): the bank returns it on the statement's debit and on
/// a return, which is how the payment is confirmed or reopened.</param>
/// <param name="RemittanceText">Unstructured remittance (<c>RmtInf/Ustrd</c>); written in the SEPA character set, cut at 140.</param>
/// <param name="CategoryPurpose">ISO 20022 category purpose (<c>CtgyPurp/Cd</c>), e.g. <c>GOVT</c> for a payment to a public
/// body; transfers with different purposes go into different payment information blocks.</param>
public sealed record SepaCreditTransfer(string EndToEndId, Money Amount, SepaParty Creditor, string RemittanceText, string? CategoryPurpose = null);

/// <summary>A customer credit transfer initiation: what the treasury uploads to the bank.</summary>
/// <param name="MessageId">Unique per file (≤ 35 SEPA characters); the bank refuses a second file with the same id.</param>
/// <param name="InitiatingParty">Who sends the file (the appeal's holder), ≤ 70 characters after transliteration.</param>
/// <param name="BatchBooking">One debit for each payment information block on the debtor's statement (<c>true</c>, the DK
/// default) or one per transfer.</param>
public sealed record SepaCreditTransferFile(
    string MessageId,
    DateTimeOffset CreatedAt,
    string InitiatingParty,
    SepaParty Debtor,
    DateOnly RequestedExecutionDate,
    IReadOnlyList<SepaCreditTransfer> Transfers,
    bool BatchBooking = true);

/// <summary>
/// Writes ISO 20022 <c>pain.001.001.09</c> (customer credit transfer initiation) as German banks accept it: the EPC SEPA
/// Credit Transfer implementation guidelines (EPC132-08, customer-to-bank) that the DK's DFÜ-Abkommen Anlage 3 adopts —
/// service level <c>SEPA</c>, charges <c>SLEV</c>, EUR only, names ≤ 70 and remittance ≤ 140 characters, all text in the
/// SEPA character set (<see cref="SepaText"/>), a payment information block per category purpose, control sums and counts
/// on the group and on every block. The file is UTF-8 without a byte order mark.
/// </summary>
public static class Pain001Writer
{
    public const string Namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";
    public const int IdLengthMax = 35, NameLengthMax = 70, RemittanceLengthMax = 140;
    /// <summary>The largest amount of one SEPA credit transfer (EPC rulebook AT-T002): 999.999.999,99 €.</summary>
    public static readonly Money AmountMax = new(99_999_999_999);

    public static byte[] Write(SepaCreditTransferFile file)
    {
        Check(file);
        var blocks = file.Transfers.GroupBy(t => t.CategoryPurpose ?? "").ToList();
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  " };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Document", Namespace);
            xml.WriteStartElement("CstmrCdtTrfInitn", Namespace);

            xml.WriteStartElement("GrpHdr", Namespace);
            Element(xml, "MsgId", file.MessageId);
            Element(xml, "CreDtTm", file.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Element(xml, "NbOfTxs", file.Transfers.Count.ToString(CultureInfo.InvariantCulture));
            Element(xml, "CtrlSum", Sum(file.Transfers).ToEpcDecimal());
            xml.WriteStartElement("InitgPty", Namespace);
            Element(xml, "Nm", Name(file.InitiatingParty));
            xml.WriteEndElement();
            xml.WriteEndElement();

            var block = 0;
            foreach (var transfers in blocks)
            {
                block++;
                xml.WriteStartElement("PmtInf", Namespace);
                Element(xml, "PmtInfId", BlockId(file.MessageId, block));
                Element(xml, "PmtMtd", "TRF");
                Element(xml, "BtchBookg", file.BatchBooking ? "true" : "false");
                Element(xml, "NbOfTxs", transfers.Count().ToString(CultureInfo.InvariantCulture));
                Element(xml, "CtrlSum", Sum(transfers).ToEpcDecimal());
                xml.WriteStartElement("PmtTpInf", Namespace);
                xml.WriteStartElement("SvcLvl", Namespace);
                Element(xml, "Cd", "SEPA");
                xml.WriteEndElement();
                if (transfers.Key.Length > 0)
                {
                    xml.WriteStartElement("CtgyPurp", Namespace);
                    Element(xml, "Cd", transfers.Key);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
                xml.WriteStartElement("ReqdExctnDt", Namespace);
                Element(xml, "Dt", file.RequestedExecutionDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                xml.WriteEndElement();
                xml.WriteStartElement("Dbtr", Namespace);
                Element(xml, "Nm", Name(file.Debtor.Name));
                xml.WriteEndElement();
                Account(xml, "DbtrAcct", file.Debtor.Iban);
                xml.WriteStartElement("DbtrAgt", Namespace);
                xml.WriteStartElement("FinInstnId", Namespace);
                if (file.Debtor.Bic is { } debtorBic) Element(xml, "BICFI", debtorBic.Value);
                else
                {
                    // Without a BIC the EPC guidelines ask for "NOTPROVIDED" (IBAN-only, usual in Germany since 2016).
                    xml.WriteStartElement("Othr", Namespace);
                    Element(xml, "Id", "NOTPROVIDED");
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
                xml.WriteEndElement();
                Element(xml, "ChrgBr", "SLEV");

                foreach (var transfer in transfers)
                {
                    xml.WriteStartElement("CdtTrfTxInf", Namespace);
                    xml.WriteStartElement("PmtId", Namespace);
                    Element(xml, "EndToEndId", transfer.EndToEndId);
                    xml.WriteEndElement();
                    xml.WriteStartElement("Amt", Namespace);
                    xml.WriteStartElement("InstdAmt", Namespace);
                    xml.WriteAttributeString("Ccy", "EUR");
                    xml.WriteString(transfer.Amount.ToEpcDecimal());
                    xml.WriteEndElement();
                    xml.WriteEndElement();
                    if (transfer.Creditor.Bic is { } creditorBic)
                    {
                        xml.WriteStartElement("CdtrAgt", Namespace);
                        xml.WriteStartElement("FinInstnId", Namespace);
                        Element(xml, "BICFI", creditorBic.Value);
                        xml.WriteEndElement();
                        xml.WriteEndElement();
                    }
                    xml.WriteStartElement("Cdtr", Namespace);
                    Element(xml, "Nm", Name(transfer.Creditor.Name));
                    xml.WriteEndElement();
                    Account(xml, "CdtrAcct", transfer.Creditor.Iban);
                    var remittance = Remittance(transfer.RemittanceText);
                    if (remittance.Length > 0)
                    {
                        xml.WriteStartElement("RmtInf", Namespace);
                        Element(xml, "Ustrd", remittance);
                        xml.WriteEndElement();
                    }
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return stream.ToArray();
    }

    /// <summary>A name as the file carries it: SEPA characters, at most 70.</summary>
    public static string Name(string value) => Text.Cut(SepaText.ForPayload(value), NameLengthMax).TrimEnd();

    /// <summary>A remittance text as the file carries it: SEPA characters, at most 140.</summary>
    public static string Remittance(string value) => Text.Cut(SepaText.ForPayload(value), RemittanceLengthMax).TrimEnd();

    /// <summary>
    /// True for an id the EPC guidelines accept in <c>MsgId</c>, <c>PmtInfId</c> and <c>EndToEndId</c>: 1–35 SEPA characters,
    /// not starting or ending with '/' and without "//".
    /// </summary>
    public static bool IsValidId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= IdLengthMax && id.All(SepaText.IsSepaCharacter) && id.Trim() == id
           && !id.StartsWith('/') && !id.EndsWith('/') && !id.Contains("//", StringComparison.Ordinal);

    private static string BlockId(string messageId, int block)
    {
        var suffix = "-" + block.ToString(CultureInfo.InvariantCulture);
        return (messageId.Length + suffix.Length <= IdLengthMax ? messageId : messageId[..(IdLengthMax - suffix.Length)]) + suffix;
    }

    private static void Check(SepaCreditTransferFile file)
    {
        if (!IsValidId(file.MessageId)) throw new ArgumentException($"The message id '{file.MessageId}' is not a SEPA id (1–35 SEPA characters).", nameof(file));
        if (file.Transfers.Count == 0) throw new ArgumentException("A payment file needs at least one transfer.", nameof(file));
        if (Name(file.InitiatingParty).Length == 0 || Name(file.Debtor.Name).Length == 0)
            throw new ArgumentException("The initiating party and the debtor need a name in SEPA characters.", nameof(file));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in file.Transfers)
        {
            if (!IsValidId(t.EndToEndId)) throw new ArgumentException($"The EndToEndId '{t.EndToEndId}' is not a SEPA id (1–35 SEPA characters).", nameof(file));
            if (!ids.Add(t.EndToEndId)) throw new ArgumentException($"The EndToEndId '{t.EndToEndId}' appears twice in the file.", nameof(file));
            if (!t.Amount.IsPositive || t.Amount > AmountMax)
                throw new ArgumentException($"The amount of {t.EndToEndId} must lie between 0,01 € and 999.999.999,99 €.", nameof(file));
            if (Name(t.Creditor.Name).Length == 0) throw new ArgumentException($"The creditor of {t.EndToEndId} needs a name in SEPA characters.", nameof(file));
            if (t.CategoryPurpose is { } purpose && (purpose.Length is < 1 or > 4 || !purpose.All(char.IsAsciiLetterUpper)))
                throw new ArgumentException($"The category purpose '{purpose}' is not an ISO 20022 code.", nameof(file));
        }
    }

    private static Money Sum(IEnumerable<SepaCreditTransfer> transfers) => transfers.Aggregate(Money.Zero, (s, t) => s + t.Amount);

    /// <summary>Decimal euro with a point and exactly two decimals, e.g. "1234.50".</summary>
    private static string ToEpcDecimal(this Money amount)
        => (amount.Cents / 100).ToString(CultureInfo.InvariantCulture) + "." + (amount.Cents % 100).ToString("00", CultureInfo.InvariantCulture);

    private static void Account(XmlWriter xml, string name, Iban iban)
    {
        xml.WriteStartElement(name, Namespace);
        xml.WriteStartElement("Id", Namespace);
        Element(xml, "IBAN", iban.Value);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Element(XmlWriter xml, string name, string value) => xml.WriteElementString(name, Namespace, value);
}
