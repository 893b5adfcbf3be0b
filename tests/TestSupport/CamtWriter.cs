using System.Globalization;
using System.Text;
using System.Xml;
using FlutHilfe.BankFiles;

namespace FlutHilfe.TestSupport;

/// <summary>One booking for <see cref="CamtWriter"/> (test data and benchmarks). Despite the name it may be a debit:
/// a return (<see cref="ReturnReasonCode"/> → <c>RtrInf/Rsn/Cd</c>), a reversal (<c>RvslInd</c>), or a transfer of ours
/// (<see cref="Direction"/> debit with our <see cref="EndToEndId"/>, the payee in <see cref="CreditorName"/>/<see cref="CreditorIban"/>).
/// A credit with <see cref="ReturnReasonCode"/> is a transfer of ours coming back (<c>PMNT/ICDT/RRTN</c>, GVC 159, <c>RtrInf</c>).</summary>
public sealed record GeneratedCredit(
    long AmountCents,
    DateOnly BookingDate,
    string? EndToEndId = null,
    string? DebtorName = null,
    string? DebtorIban = null,
    string? StructuredReference = null,
    string? UnstructuredRemittance = null,
    string? AccountServicerReference = null,
    CreditDebit Direction = CreditDebit.Credit,
    bool Reversal = false,
    string? ReturnReasonCode = null,
    DateOnly? ValueDate = null,
    string? MandateId = null,
    string? CreditorName = null,
    string? CreditorIban = null);

public sealed record CamtWriterOptions
{
    public long OpeningBalanceCents { get; init; }

    public DateTimeOffset CreationDateTime { get; init; } = new(2025, 11, 28, 18, 0, 0, TimeSpan.FromHours(1));

    public string? MessageId { get; init; }

    public bool Indent { get; init; } = true;
}

/// <summary>
/// Writes camt.053 documents with an <see cref="XmlWriter"/> straight to a stream (100,000 bookings are fine).
/// The bookings are enumerated twice (once for the balances, which precede the entries in the schema), so pass a
/// repeatable sequence. One booking = one entry with one <c>TxDtls</c>.
/// </summary>
public static class CamtWriter
{
    public const string Ns08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";
    public const string Ns02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02";

    public static void Write053v08(Stream output, string statementId, string iban, IEnumerable<GeneratedCredit> bookings, CamtWriterOptions? options = null) =>
        Write(output, v08: true, statementId, iban, bookings, options ?? new CamtWriterOptions());

    public static byte[] Write053v08(string statementId, string iban, IEnumerable<GeneratedCredit> bookings, CamtWriterOptions? options = null)
    {
        using var ms = new MemoryStream();
        Write053v08(ms, statementId, iban, bookings, options);
        return ms.ToArray();
    }

    public static void Write053v02(Stream output, string statementId, string iban, IEnumerable<GeneratedCredit> bookings, CamtWriterOptions? options = null) =>
        Write(output, v08: false, statementId, iban, bookings, options ?? new CamtWriterOptions());

    public static byte[] Write053v02(string statementId, string iban, IEnumerable<GeneratedCredit> bookings, CamtWriterOptions? options = null)
    {
        using var ms = new MemoryStream();
        Write053v02(ms, statementId, iban, bookings, options);
        return ms.ToArray();
    }

    private static void Write(Stream output, bool v08, string statementId, string iban, IEnumerable<GeneratedCredit> bookings, CamtWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentException.ThrowIfNullOrWhiteSpace(statementId);
        ArgumentException.ThrowIfNullOrWhiteSpace(iban);
        ArgumentNullException.ThrowIfNull(bookings);

        // Pass 1: closing balance and date range.
        var closing = options.OpeningBalanceCents;
        DateOnly? first = null;
        DateOnly? last = null;
        foreach (var b in bookings)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(b.AmountCents);
            closing += b.Direction == CreditDebit.Credit ? b.AmountCents : -b.AmountCents;
            first = first is null || b.BookingDate < first ? b.BookingDate : first;
            last = last is null || b.BookingDate > last ? b.BookingDate : last;
        }

        var today = DateOnly.FromDateTime(options.CreationDateTime.Date);
        var ns = v08 ? Ns08 : Ns02;
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = options.Indent,
            CloseOutput = false,
        };
        using var w = XmlWriter.Create(output, settings);
        w.WriteStartDocument();
        w.WriteStartElement("Document", ns);
        w.WriteStartElement("BkToCstmrStmt");

        w.WriteStartElement("GrpHdr");
        w.WriteElementString("MsgId", options.MessageId ?? "MSG-" + statementId);
        w.WriteElementString("CreDtTm", DateTime(options.CreationDateTime));
        w.WriteEndElement();

        w.WriteStartElement("Stmt");
        w.WriteElementString("Id", statementId);
        w.WriteElementString("CreDtTm", DateTime(options.CreationDateTime));
        w.WriteStartElement("Acct");
        w.WriteStartElement("Id");
        w.WriteElementString("IBAN", iban);
        w.WriteEndElement();
        w.WriteElementString("Ccy", "EUR");
        w.WriteEndElement();

        WriteBalance(w, "OPBD", options.OpeningBalanceCents, first ?? today);
        WriteBalance(w, "CLBD", closing, last ?? today);

        // Pass 2: entries.
        var n = 0;
        foreach (var b in bookings)
        {
            n++;
            WriteEntry(w, v08, b, n);
        }

        w.WriteEndElement(); // Stmt
        w.WriteEndElement(); // BkToCstmrStmt
        w.WriteEndElement(); // Document
        w.WriteEndDocument();
    }

    private static void WriteBalance(XmlWriter w, string code, long signedCents, DateOnly date)
    {
        w.WriteStartElement("Bal");
        w.WriteStartElement("Tp");
        w.WriteStartElement("CdOrPrtry");
        w.WriteElementString("Cd", code);
        w.WriteEndElement();
        w.WriteEndElement();
        WriteAmount(w, Math.Abs(signedCents));
        w.WriteElementString("CdtDbtInd", signedCents >= 0 ? "CRDT" : "DBIT");
        w.WriteStartElement("Dt");
        w.WriteElementString("Dt", Date(date));
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteEntry(XmlWriter w, bool v08, GeneratedCredit b, int n)
    {
        var credit = b.Direction == CreditDebit.Credit;
        var indicator = credit ? "CRDT" : "DBIT";
        w.WriteStartElement("Ntry");
        WriteAmount(w, b.AmountCents);
        w.WriteElementString("CdtDbtInd", indicator);
        if (b.Reversal)
        {
            w.WriteElementString("RvslInd", "true");
        }

        if (v08)
        {
            w.WriteStartElement("Sts");
            w.WriteElementString("Cd", "BOOK");
            w.WriteEndElement();
        }
        else
        {
            w.WriteElementString("Sts", "BOOK");
        }

        w.WriteStartElement("BookgDt");
        w.WriteElementString("Dt", Date(b.BookingDate));
        w.WriteEndElement();
        w.WriteStartElement("ValDt");
        w.WriteElementString("Dt", Date(b.ValueDate ?? b.BookingDate));
        w.WriteEndElement();
        if (b.AccountServicerReference is not null)
        {
            w.WriteElementString("AcctSvcrRef", b.AccountServicerReference);
        }

        var (family, sub, gvc) = (credit, b.ReturnReasonCode is not null) switch
        {
            // A transfer of ours that came back (SEPA return of a credit transfer): DK GVC 159 "Retoure".
            (true, true) => ("ICDT", "RRTN", "NRTI+159"),
            (true, false) => ("RCDT", "ESCT", "NTRF+166"),
            (false, true) => ("IDDT", "UPDD", "NRTI+109"),
            (false, false) => ("ICDT", "ESCT", "NTRF+116"),
        };
        WriteBankTxCode(w, family, sub, gvc);

        w.WriteStartElement("NtryDtls");
        w.WriteStartElement("TxDtls");
        w.WriteStartElement("Refs");
        w.WriteElementString("EndToEndId", b.EndToEndId ?? "NOTPROVIDED");
        if (b.MandateId is not null)
        {
            w.WriteElementString("MndtId", b.MandateId);
        }

        w.WriteEndElement();
        if (v08)
        {
            WriteAmount(w, b.AmountCents);
            w.WriteElementString("CdtDbtInd", indicator);
        }

        w.WriteStartElement("AmtDtls");
        w.WriteStartElement("TxAmt");
        WriteAmount(w, b.AmountCents);
        w.WriteEndElement();
        w.WriteEndElement();
        WriteBankTxCode(w, family, sub, gvc);

        w.WriteStartElement("RltdPties");
        if (b.DebtorName is not null)
        {
            w.WriteStartElement("Dbtr");
            if (v08)
            {
                w.WriteStartElement("Pty");
            }

            w.WriteElementString("Nm", b.DebtorName);
            if (v08)
            {
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        WriteAccount(w, "DbtrAcct", b.DebtorIban);
        if (b.CreditorName is not null)
        {
            w.WriteStartElement("Cdtr");
            if (v08)
            {
                w.WriteStartElement("Pty");
            }

            w.WriteElementString("Nm", b.CreditorName);
            if (v08)
            {
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        WriteAccount(w, "CdtrAcct", b.CreditorIban);
        w.WriteEndElement(); // RltdPties

        if (b.UnstructuredRemittance is not null || b.StructuredReference is not null)
        {
            w.WriteStartElement("RmtInf");
            if (b.UnstructuredRemittance is not null)
            {
                w.WriteElementString("Ustrd", b.UnstructuredRemittance);
            }

            if (b.StructuredReference is not null)
            {
                w.WriteStartElement("Strd");
                w.WriteStartElement("CdtrRefInf");
                w.WriteStartElement("Tp");
                w.WriteStartElement("CdOrPrtry");
                w.WriteElementString("Cd", "SCOR");
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteElementString("Ref", b.StructuredReference);
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
        }

        if (b.ReturnReasonCode is not null)
        {
            w.WriteStartElement("RtrInf");
            w.WriteStartElement("Rsn");
            w.WriteElementString("Cd", b.ReturnReasonCode);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement(); // TxDtls
        w.WriteEndElement(); // NtryDtls
        w.WriteElementString("AddtlNtryInf", string.Create(CultureInfo.InvariantCulture, $"Generated booking {n}"));
        w.WriteEndElement(); // Ntry
    }

    private static void WriteBankTxCode(XmlWriter w, string family, string subFamily, string gvc)
    {
        w.WriteStartElement("BkTxCd");
        w.WriteStartElement("Domn");
        w.WriteElementString("Cd", "PMNT");
        w.WriteStartElement("Fmly");
        w.WriteElementString("Cd", family);
        w.WriteElementString("SubFmlyCd", subFamily);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("Prtry");
        w.WriteElementString("Cd", gvc);
        w.WriteElementString("Issr", "DK");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteAccount(XmlWriter w, string element, string? iban)
    {
        if (iban is null)
        {
            return;
        }

        w.WriteStartElement(element);
        w.WriteStartElement("Id");
        w.WriteElementString("IBAN", iban);
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void WriteAmount(XmlWriter w, long cents)
    {
        w.WriteStartElement("Amt");
        w.WriteAttributeString("Ccy", "EUR");
        w.WriteString(CamtAmount.Format(cents));
        w.WriteEndElement();
    }

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string DateTime(DateTimeOffset d) => d.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
}
