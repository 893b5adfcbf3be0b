using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace FlutHilfe.BankFiles;

/// <summary>
/// Safe, streaming parser for ISO 20022 camt.053 (any <c>urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN</c>;
/// tested with .02, .04, .08, .10). The document is read with an <see cref="XmlReader"/>; only one small subtree
/// (<c>GrpHdr</c>, <c>Acct</c>, one <c>Bal</c>, one <c>Ntry</c>) is materialised at a time, so memory is bounded
/// by the size of the output records. No DTD, no resolver, bounded input size.
/// </summary>
public static partial class CamtParser
{
    private const string Root = "Document";
    private const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";

    /// <summary>Deepest element nesting accepted (real statements need about 15).</summary>
    public const int MaxElementDepth = 64;

    public static CamtFile Parse(Stream input, CamtParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= CamtParserOptions.Default;
        if (input.CanSeek && input.Length - input.Position > options.MaxInputBytes)
        {
            throw new CamtInputTooLargeException(options.MaxInputBytes);
        }

        using var limited = new LimitedReadStream(input, options.MaxInputBytes, "camt input");
        return ParseLimited(limited, options);
    }

    /// <summary>
    /// For streams that only allow asynchronous reads (ASP.NET Core request bodies): copies the input asynchronously
    /// into memory — at most <see cref="CamtParserOptions.MaxInputBytes"/>, else <see cref="CamtInputTooLargeException"/>
    /// before the rest is read — then parses it. Peak memory is the raw input plus the result; an API that prefers
    /// disk buffering can use <c>Request.EnableBuffering</c> and call <see cref="Parse(Stream, CamtParserOptions?)"/>.
    /// </summary>
    public static async Task<CamtFile> ParseAsync(Stream input, CamtParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= CamtParserOptions.Default;
        if (input.CanSeek && input.Length - input.Position > options.MaxInputBytes)
        {
            throw new CamtInputTooLargeException(options.MaxInputBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > options.MaxInputBytes)
            {
                throw new CamtInputTooLargeException(options.MaxInputBytes);
            }

            buffer.Write(chunk, 0, n);
        }

        buffer.Position = 0;
        return Parse(buffer, options);
    }

    public static CamtFile Parse(Stream input, long maxInputBytes) =>
        Parse(input, new CamtParserOptions { MaxInputBytes = maxInputBytes });

    /// <summary>
    /// Parses every <c>*.xml</c> file of a ZIP archive (other files, folders and macOS <c>__MACOSX/</c>, <c>._*</c>
    /// resource forks are ignored). The total number of uncompressed bytes actually read is bounded by
    /// <paramref name="maxTotalBytes"/> (zip bombs; declared sizes are not trusted); each file is also bounded by
    /// <see cref="CamtParserOptions.MaxInputBytes"/>. Nothing is written to disk.
    /// </summary>
    public static IReadOnlyList<(string Name, CamtFile File)> ParseZip(Stream zip, long maxTotalBytes, CamtParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(zip);
        options ??= CamtParserOptions.Default;
        Stream seekable = zip;
        MemoryStream? copy = null;
        if (!zip.CanSeek)
        {
            // ZipArchive needs a seekable stream; bound the copy (compressed size ≈ at most the uncompressed size).
            copy = new MemoryStream();
            using var limitedCopy = new LimitedReadStream(zip, maxTotalBytes + (64 * 1024), "ZIP archive");
            limitedCopy.CopyTo(copy);
            copy.Position = 0;
            seekable = copy;
        }

        try
        {
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException ex)
            {
                throw new CamtFormatException("(zip)", "not a valid ZIP archive: " + ex.Message, null, ex);
            }

            using (archive)
            {
                var results = new List<(string, CamtFile)>();
                var remaining = maxTotalBytes;
                foreach (var entry in archive.Entries)
                {
                    var name = entry.FullName;
                    if (name.EndsWith('/') || !name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                        || name.StartsWith("__MACOSX/", StringComparison.Ordinal) || entry.Name.StartsWith("._", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (entry.Length > remaining || entry.Length > options.MaxInputBytes)
                    {
                        throw new CamtInputTooLargeException(Math.Min(remaining, options.MaxInputBytes), $"ZIP content ({name})");
                    }

                    var limit = Math.Min(remaining, options.MaxInputBytes);
                    try
                    {
                        using var raw = entry.Open();
                        using var limited = new LimitedReadStream(raw, limit, $"ZIP content ({name})");
                        results.Add((name, ParseLimited(limited, options)));
                        remaining -= limited.BytesRead;
                    }
                    catch (CamtFormatException ex)
                    {
                        throw new CamtFormatException($"{name}!{ex.ElementPath}", ex.Reason, ex.LineNumber, ex);
                    }
                    catch (InvalidDataException ex)
                    {
                        throw new CamtFormatException($"{name}!", "corrupt ZIP entry: " + ex.Message, null, ex);
                    }
                }

                return results;
            }
        }
        finally
        {
            copy?.Dispose();
        }
    }

    /// <summary>The reader settings used for every camt document: no DTD (XXE, billion laughs), no resolver,
    /// a bound on characters from entities and in the document.</summary>
    public static XmlReaderSettings CreateSafeReaderSettings(long maxCharactersInDocument) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        // 0 would mean "unlimited" in .NET; with DTDs prohibited no entity can expand anyway, this is a second lock.
        MaxCharactersFromEntities = 1024,
        MaxCharactersInDocument = maxCharactersInDocument,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
        ValidationType = ValidationType.None,
    };

    private static CamtFile ParseLimited(LimitedReadStream input, CamtParserOptions options)
    {
        var state = new ParseState(options);
        try
        {
            using var reader = new DepthLimitedXmlReader(XmlReader.Create(input, CreateSafeReaderSettings(options.MaxInputBytes)), MaxElementDepth);
            state.Reader = reader;
            return state.ParseDocument();
        }
        catch (XmlException ex)
        {
            var reason = ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "DTDs and entity declarations are not allowed: " + ex.Message
                : "malformed XML: " + ex.Message;
            throw new CamtFormatException(state.CurrentPath, reason, ex.LineNumber, ex);
        }
    }

    [GeneratedRegex(@"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex NamespaceRegex();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DateRegex();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceRegex();

    private static readonly HashSet<string> Placeholders = new(StringComparer.OrdinalIgnoreCase)
    {
        "NOTPROVIDED", "NOT PROVIDED", "NONREF",
    };

    private static readonly HashSet<string> NamePlaceholders = new(StringComparer.OrdinalIgnoreCase)
    {
        "NOTPROVIDED", "NOT PROVIDED", "keine Information vorhanden",
    };

    /// <summary>Reference cleaning: trims; empty, whitespace and placeholders (NOTPROVIDED, NONREF, NOT PROVIDED) → null.</summary>
    public static string? CleanReference(string? value)
    {
        var t = value?.Trim();
        return string.IsNullOrEmpty(t) || Placeholders.Contains(t) ? null : t;
    }

    private static string? CleanName(string? value)
    {
        var t = value?.Trim();
        return string.IsNullOrEmpty(t) || NamePlaceholders.Contains(t) ? null : WhitespaceRegex().Replace(t, " ");
    }

    /// <summary>IBAN normalisation: spaces removed, upper case; empty → null. No checksum validation.</summary>
    public static string? NormalizeIban(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var t = WhitespaceRegex().Replace(value, string.Empty).ToUpperInvariant();
        return t.Length == 0 ? null : t;
    }

    private sealed class ParseState(CamtParserOptions options)
    {
        private XNamespace ns = XNamespace.None;

        public XmlReader Reader { get; set; } = null!;

        public string CurrentPath { get; private set; } = Root;

        private int Line => Reader is IXmlLineInfo li && li.HasLineInfo() ? li.LineNumber : 0;

        public CamtFile ParseDocument()
        {
            var r = Reader;
            r.MoveToContent();
            if (r.NodeType != XmlNodeType.Element || r.LocalName != Root)
            {
                throw new CamtFormatException(Root, $"root element must be Document, found '{r.LocalName}'", Line);
            }

            var match = NamespaceRegex().Match(r.NamespaceURI);
            if (!match.Success)
            {
                throw new CamtFormatException(Root, $"namespace '{r.NamespaceURI}' is not {NamespacePrefix}NN (camt.053)", Line);
            }

            ns = r.NamespaceURI;
            var version = "053.001." + match.Groups[1].Value;
            string? msgId = null;
            DateTimeOffset? created = null;
            var statements = new List<CamtStatement>();
            var sawBody = false;

            ForEachChild(r, () =>
            {
                if (r.LocalName == "BkToCstmrStmt" && r.NamespaceURI == ns.NamespaceName && !sawBody)
                {
                    sawBody = true;
                    const string bodyPath = Root + "/BkToCstmrStmt";
                    CurrentPath = bodyPath;
                    ForEachChild(r, () =>
                    {
                        if (r.NamespaceURI != ns.NamespaceName)
                        {
                            r.Skip();
                        }
                        else if (r.LocalName == "GrpHdr")
                        {
                            var gh = ReadElement();
                            msgId = Text(gh.Element(ns + "MsgId"));
                            created = OptionalDateTime(gh.Element(ns + "CreDtTm"), bodyPath + "/GrpHdr/CreDtTm");
                        }
                        else if (r.LocalName == "Stmt")
                        {
                            statements.Add(ParseStatement(statements.Count + 1));
                            CurrentPath = bodyPath;
                        }
                        else
                        {
                            r.Skip();
                        }
                    });
                    CurrentPath = Root;
                }
                else
                {
                    r.Skip();
                }
            });

            if (!sawBody)
            {
                throw new CamtFormatException(Root + "/BkToCstmrStmt", "missing BkToCstmrStmt: not a camt.053 statement");
            }

            if (statements.Count == 0)
            {
                throw new CamtFormatException(Root + "/BkToCstmrStmt/Stmt", "missing Stmt: the document contains no statement");
            }

            return new CamtFile(version, msgId, created, statements);
        }

        /// <summary>Reader on a start element: calls <paramref name="onChildElement"/> for each child element (which
        /// must consume it completely) and leaves the reader after the element's end tag.</summary>
        private static void ForEachChild(XmlReader r, Action onChildElement)
        {
            if (r.IsEmptyElement)
            {
                r.Read();
                return;
            }

            var depth = r.Depth;
            r.Read();
            while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
            {
                if (r.NodeType == XmlNodeType.Element)
                {
                    onChildElement();
                }
                else if (!r.Read())
                {
                    throw new XmlException("unexpected end of document");
                }
            }

            r.Read();
        }

        private XElement ReadElement() => (XElement)XNode.ReadFrom(Reader);

        private CamtStatement ParseStatement(int position)
        {
            var r = Reader;
            var path = $"{Root}/BkToCstmrStmt/Stmt[{position}]";
            CurrentPath = path;
            var startLine = Line;
            string? id = null;
            string? accountId = null;
            var accountIsIban = false;
            string? currency = null;
            DateTimeOffset? created = null;
            var balances = new List<CamtBalance>();
            var entries = new List<CamtEntry>();
            var balanceIndex = 0;
            long? electronicSeq = null, legalSeq = null;
            DateTimeOffset? from = null, to = null;

            ForEachChild(r, () =>
            {
                if (r.NamespaceURI != ns.NamespaceName)
                {
                    r.Skip();
                    return;
                }

                switch (r.LocalName)
                {
                    case "Id":
                        id = CleanText(ReadElement().Value);
                        break;
                    case "CreDtTm":
                        created = OptionalDateTime(ReadElement(), path + "/CreDtTm");
                        break;
                    case "ElctrncSeqNb":
                        electronicSeq = SequenceNumber(ReadElement(), path + "/ElctrncSeqNb");
                        break;
                    case "LglSeqNb":
                        legalSeq = SequenceNumber(ReadElement(), path + "/LglSeqNb");
                        break;
                    case "FrToDt":
                        var period = ReadElement();
                        from = OptionalDateTime(period.Element(ns + "FrDtTm"), path + "/FrToDt/FrDtTm");
                        to = OptionalDateTime(period.Element(ns + "ToDtTm"), path + "/FrToDt/ToDtTm");
                        break;
                    case "Acct":
                        var acct = ReadElement();
                        var idEl = acct.Element(ns + "Id");
                        var iban = NormalizeIban(idEl?.Element(ns + "IBAN")?.Value);
                        accountIsIban = iban is not null;
                        accountId = iban ?? CleanText(idEl?.Element(ns + "Othr")?.Element(ns + "Id")?.Value);
                        currency = CleanText(acct.Element(ns + "Ccy")?.Value);
                        if (currency is not null && !options.AllowedCurrencies.Contains(currency))
                        {
                            throw new CamtFormatException(path + "/Acct/Ccy", $"account currency {currency} is not supported (allowed: {string.Join(", ", options.AllowedCurrencies)})");
                        }

                        break;
                    case "Bal":
                        balanceIndex++;
                        var balLine = Line;
                        balances.Add(ParseBalance(ReadElement(), $"{path}/Bal[{balanceIndex}]", balLine));
                        break;
                    case "Ntry":
                        var entryPosition = entries.Count + 1;
                        var entryPath = $"{path}/Ntry[{entryPosition}]";
                        CurrentPath = entryPath;
                        var entryLine = Line;
                        entries.Add(ParseEntry(ReadElement(), entryPath, entryPosition, entryLine));
                        CurrentPath = path;
                        break;
                    default:
                        r.Skip();
                        break;
                }
            });

            if (id is null)
            {
                throw new CamtFormatException(path + "/Id", "missing statement Id", startLine);
            }

            if (accountId is null)
            {
                throw new CamtFormatException(path + "/Acct/Id/IBAN", "missing account identification (Acct/Id/IBAN or Acct/Id/Othr/Id)", startLine);
            }

            return new CamtStatement(position, id, accountId, accountIsIban, currency, created, balances, entries, electronicSeq, legalSeq, from, to);
        }

        /// <summary>ISO <c>Number</c> with no fraction (at most 18 digits).</summary>
        private long? SequenceNumber(XElement el, string path)
        {
            var text = CleanText(el.Value);
            if (text is null) return null;
            return text.Length <= 18 && text.All(char.IsAsciiDigit)
                ? long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
                : throw new CamtFormatException(path, $"'{Shorten(text)}' is not a sequence number (digits only)", Line);
        }

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

        private CamtBalance ParseBalance(XElement bal, string path, int line)
        {
            var cdOrPrtry = bal.Element(ns + "Tp")?.Element(ns + "CdOrPrtry");
            var type = CleanText(cdOrPrtry?.Element(ns + "Cd")?.Value) ?? CleanText(cdOrPrtry?.Element(ns + "Prtry")?.Value)
                ?? throw new CamtFormatException(path + "/Tp/CdOrPrtry/Cd", "missing balance type", line);
            var (cents, currency) = Amount(bal.Element(ns + "Amt"), path + "/Amt", line, checkCurrency: false);
            var direction = Direction(bal.Element(ns + "CdtDbtInd"), path + "/CdtDbtInd", line);
            var date = DateChoice(bal.Element(ns + "Dt"), path + "/Dt", line)
                ?? throw new CamtFormatException(path + "/Dt", "missing balance date", line);
            return new CamtBalance(type, direction == CreditDebit.Credit ? cents : -cents, currency, date);
        }

        private CamtEntry ParseEntry(XElement ntry, string path, int position, int line)
        {
            var (amount, currency) = Amount(ntry.Element(ns + "Amt"), path + "/Amt", line, checkCurrency: true);
            var direction = Direction(ntry.Element(ns + "CdtDbtInd"), path + "/CdtDbtInd", line);
            var reversal = Boolean(ntry.Element(ns + "RvslInd"), path + "/RvslInd", line);

            var stsEl = ntry.Element(ns + "Sts");
            var status = stsEl is null
                ? null
                : stsEl.HasElements
                    ? CleanText(stsEl.Element(ns + "Cd")?.Value) ?? CleanText(stsEl.Element(ns + "Prtry")?.Value)
                    : CleanText(stsEl.Value);

            var bookingDate = DateChoice(ntry.Element(ns + "BookgDt"), path + "/BookgDt", line);
            if (bookingDate is null && (status is null || string.Equals(status, "BOOK", StringComparison.OrdinalIgnoreCase)))
            {
                throw new CamtFormatException(path + "/BookgDt", "missing booking date (BookgDt/Dt or BookgDt/DtTm) on a booked entry", line);
            }

            var valueDate = DateChoice(ntry.Element(ns + "ValDt"), path + "/ValDt", line);
            var (btc, prtryBtc, prtryIssuer) = BankTxCode(ntry.Element(ns + "BkTxCd"));

            var details = ntry.Elements(ns + "NtryDtls").ToList();
            var txElements = details.SelectMany(d => d.Elements(ns + "TxDtls")).ToList();
            int? batchCount = null;
            foreach (var (btch, i) in details.Select((d, i) => (d.Element(ns + "Btch"), i)))
            {
                var nb = btch?.Element(ns + "NbOfTxs");
                if (nb is null)
                {
                    continue;
                }

                if (!int.TryParse(nb.Value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    throw new CamtFormatException($"{path}/NtryDtls[{i + 1}]/Btch/NbOfTxs", $"'{nb.Value}' is not a number", line);
                }

                batchCount = (batchCount ?? 0) + n;
            }

            var transactions = new List<CamtTransaction>(Math.Max(1, txElements.Count));
            var isBatchWithoutDetails = false;
            if (txElements.Count > 0)
            {
                var multipleDetails = details.Count > 1;
                var counters = new Dictionary<XElement, int>();
                for (var i = 0; i < txElements.Count; i++)
                {
                    var tx = txElements[i];
                    var parent = tx.Parent!;
                    counters[parent] = counters.GetValueOrDefault(parent) + 1;
                    var detailsPath = multipleDetails ? $"NtryDtls[{details.IndexOf(parent) + 1}]" : "NtryDtls";
                    var txPath = $"{path}/{detailsPath}/TxDtls[{counters[parent]}]";
                    transactions.Add(ParseTransaction(tx, txPath, i + 1, amount, currency, txElements.Count, line));
                }
            }
            else if (batchCount > 1)
            {
                isBatchWithoutDetails = true;
            }
            else
            {
                transactions.Add(new CamtTransaction(1, amount, true, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null));
            }

            return new CamtEntry(
                position,
                amount,
                currency,
                direction,
                reversal,
                status,
                bookingDate,
                valueDate,
                CleanReference(ntry.Element(ns + "NtryRef")?.Value),
                CleanReference(ntry.Element(ns + "AcctSvcrRef")?.Value),
                btc,
                prtryBtc,
                CleanText(ntry.Element(ns + "AddtlNtryInf")?.Value),
                transactions,
                isBatchWithoutDetails,
                batchCount,
                prtryIssuer);
        }

        private CamtTransaction ParseTransaction(XElement tx, string path, int position, long entryAmount, string entryCurrency, int txCount, int line)
        {
            long? amount = null;
            foreach (var (el, elPath) in new[]
                     {
                         (tx.Element(ns + "AmtDtls")?.Element(ns + "TxAmt")?.Element(ns + "Amt"), path + "/AmtDtls/TxAmt/Amt"),
                         (tx.Element(ns + "Amt"), path + "/Amt"),
                     })
            {
                if (el is null)
                {
                    continue;
                }

                var ccy = CleanText(el.Attribute("Ccy")?.Value)
                    ?? throw new CamtFormatException(elPath, "missing Ccy attribute", line);
                if (ccy == entryCurrency)
                {
                    (amount, _) = Amount(el, elPath, line, checkCurrency: false);
                    break;
                }

                // An amount in another currency (instructed/foreign amount) is not what was booked: ignore it.
            }

            if (amount is null)
            {
                amount = txCount == 1
                    ? entryAmount
                    : throw new CamtFormatException(path + "/AmtDtls/TxAmt/Amt", $"transaction {position} of {txCount} in the entry has no amount in {entryCurrency}", line);
            }

            var refs = tx.Element(ns + "Refs");
            var parties = tx.Element(ns + "RltdPties");
            var rmt = tx.Element(ns + "RmtInf");
            var ustrd = rmt?.Elements(ns + "Ustrd").Select(u => CleanReference(u.Value)).OfType<string>().ToList();
            var cdtrRefs = rmt?.Elements(ns + "Strd").SelectMany(s => s.Elements(ns + "CdtrRefInf"))
                .Select(c => (Ref: CleanReference(c.Element(ns + "Ref")?.Value), Tp: c.Element(ns + "Tp")?.Element(ns + "CdOrPrtry")))
                .Where(c => c.Ref is not null).ToList() ?? [];
            (string? Ref, XElement? Tp)? cdtrRef = cdtrRefs.Count > 0 ? cdtrRefs[0] : null;
            var rtrInf = tx.Element(ns + "RtrInf");
            var rsn = rtrInf?.Element(ns + "Rsn");
            var txCode = BankTxCode(tx.Element(ns + "BkTxCd"));
            var dbtrAcctId = parties?.Element(ns + "DbtrAcct")?.Element(ns + "Id");

            return new CamtTransaction(
                position,
                amount.Value,
                false,
                CleanReference(refs?.Element(ns + "EndToEndId")?.Value),
                CleanReference(refs?.Element(ns + "MndtId")?.Value),
                CleanReference(refs?.Element(ns + "AcctSvcrRef")?.Value),
                PartyName(parties?.Element(ns + "Dbtr")),
                NormalizeIban(dbtrAcctId?.Element(ns + "IBAN")?.Value),
                CleanText(dbtrAcctId?.Element(ns + "Othr")?.Element(ns + "Id")?.Value),
                PartyName(parties?.Element(ns + "UltmtDbtr")),
                PartyName(parties?.Element(ns + "Cdtr")),
                NormalizeIban(parties?.Element(ns + "CdtrAcct")?.Element(ns + "Id")?.Element(ns + "IBAN")?.Value),
                cdtrRef?.Ref,
                cdtrRef is null ? null : CleanText(cdtrRef.Value.Tp?.Element(ns + "Cd")?.Value) ?? CleanText(cdtrRef.Value.Tp?.Element(ns + "Prtry")?.Value),
                ustrd is { Count: > 0 } ? string.Join(' ', ustrd) : null,
                CleanText(rsn?.Element(ns + "Cd")?.Value) ?? CleanText(rsn?.Element(ns + "Prtry")?.Value),
                txCode.Code,
                CleanText(tx.Element(ns + "AddtlTxInf")?.Value),
                cdtrRefs.Count > 0 ? cdtrRefs.Select(c => c.Ref!).ToList() : null,
                txCode.Proprietary,
                txCode.Issuer,
                rtrInf is not null);
        }

        /// <summary>.02: <c>Dbtr/Nm</c>; .08: <c>Dbtr/Pty/Nm</c> (or <c>Dbtr/Agt/FinInstnId/Nm</c>).</summary>
        private string? PartyName(XElement? party)
        {
            if (party is null)
            {
                return null;
            }

            var nm = party.Element(ns + "Pty")?.Element(ns + "Nm")
                ?? party.Element(ns + "Nm")
                ?? party.Element(ns + "Agt")?.Element(ns + "FinInstnId")?.Element(ns + "Nm");
            return CleanName(nm?.Value);
        }

        private (string? Code, string? Proprietary, string? Issuer) BankTxCode(XElement? btc)
        {
            if (btc is null)
            {
                return (null, null, null);
            }

            var prtryEl = btc.Element(ns + "Prtry");
            var prtry = CleanText(prtryEl?.Element(ns + "Cd")?.Value);
            var issuer = CleanText(prtryEl?.Element(ns + "Issr")?.Value);
            var domn = btc.Element(ns + "Domn");
            if (domn is not null)
            {
                var fmly = domn.Element(ns + "Fmly");
                var parts = new[]
                {
                    CleanText(domn.Element(ns + "Cd")?.Value),
                    CleanText(fmly?.Element(ns + "Cd")?.Value),
                    CleanText(fmly?.Element(ns + "SubFmlyCd")?.Value),
                };
                if (parts[0] is not null)
                {
                    return (string.Join('/', parts.Where(p => p is not null)), prtry, issuer);
                }
            }

            return (prtry, prtry, issuer);
        }

        private (long Cents, string Currency) Amount(XElement? amt, string path, int line, bool checkCurrency)
        {
            if (amt is null)
            {
                throw new CamtFormatException(path, "missing amount", line);
            }

            var ccy = CleanText(amt.Attribute("Ccy")?.Value)
                ?? throw new CamtFormatException(path, "missing Ccy attribute on the amount", line);
            if (checkCurrency && !options.AllowedCurrencies.Contains(ccy))
            {
                throw new CamtFormatException(path, $"currency {ccy} is not supported (allowed: {string.Join(", ", options.AllowedCurrencies)})", line);
            }

            if (!CamtAmount.TryParseCents(amt.Value, out var cents, out var error))
            {
                throw new CamtFormatException(path, error!, line);
            }

            return (cents, ccy);
        }

        private static CreditDebit Direction(XElement? el, string path, int line) =>
            el?.Value.Trim() switch
            {
                "CRDT" => CreditDebit.Credit,
                "DBIT" => CreditDebit.Debit,
                null => throw new CamtFormatException(path, "missing credit/debit indicator", line),
                var other => throw new CamtFormatException(path, $"'{other}' is neither CRDT nor DBIT", line),
            };

        private static bool Boolean(XElement? el, string path, int line) =>
            el?.Value.Trim() switch
            {
                null => false,
                "true" or "1" => true,
                "false" or "0" => false,
                var other => throw new CamtFormatException(path, $"'{other}' is not a boolean", line),
            };

        /// <summary><c>Dt</c> or <c>DtTm</c>; for a date-time the date part as written (in its own offset).</summary>
        private DateOnly? DateChoice(XElement? container, string path, int line)
        {
            if (container is null)
            {
                return null;
            }

            var dt = container.Element(ns + "Dt");
            if (dt is not null)
            {
                var m = DateRegex().Match(dt.Value.Trim());
                if (!m.Success || !DateOnly.TryParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    throw new CamtFormatException(path + "/Dt", $"'{dt.Value}' is not a date (YYYY-MM-DD)", line);
                }

                return d;
            }

            var dtTm = container.Element(ns + "DtTm");
            if (dtTm is not null)
            {
                _ = DateTimeValue(dtTm.Value, path + "/DtTm", line);
                return DateOnly.ParseExact(dtTm.Value.Trim()[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            throw new CamtFormatException(path + "/Dt", "neither Dt nor DtTm given", line);
        }

        private DateTimeOffset? OptionalDateTime(XElement? el, string path) =>
            el is null || string.IsNullOrWhiteSpace(el.Value) ? null : DateTimeValue(el.Value, path, Line);

        /// <summary>ISO date-time; more than 7 fractional digits are truncated; without offset UTC is assumed.</summary>
        private static DateTimeOffset DateTimeValue(string text, string path, int line)
        {
            var m = DateTimeRegex().Match(text.Trim());
            if (m.Success)
            {
                var frac = m.Groups[2].Value;
                if (frac.Length > 8)
                {
                    frac = frac[..8];
                }

                var normalized = m.Groups[1].Value + frac + (m.Groups[3].Success ? m.Groups[3].Value : "Z");
                if (DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
                {
                    return value;
                }
            }

            throw new CamtFormatException(path, $"'{text}' is not an ISO date-time", line);
        }

        private static string? CleanText(string? value)
        {
            var t = value?.Trim();
            return string.IsNullOrEmpty(t) ? null : t;
        }

        private static string? Text(XElement? el) => CleanText(el?.Value);
    }
}
