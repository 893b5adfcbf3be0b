using System.Text;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.ProofOfUse;

/// <summary>
/// The Belegliste of a proof of use as CSV for Excel in Germany: <c>;</c> separator, CRLF line ends,
/// RFC 4180 quoting, amounts "1234,56" (decimal comma, no grouping, no € sign), dates "dd.MM.yyyy".
/// One header line, one line per voucher (withdrawn ones marked in "Hinweis" but not summed), and a
/// final line "Summe". Text cells starting with = + - @ TAB or CR get a leading <c>'</c> so that a
/// spreadsheet never evaluates them as a formula (CSV injection).
/// </summary>
public static class ProofOfUseCsv
{
    public const string ContentType = "text/csv; charset=utf-8";
    public const char Separator = ';';
    public const string LineEnd = "\r\n";
    public const string SumLabel = "Summe";
    public const string SumHintWithWithdrawn = "ohne zurückgezogene Posten";

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>The CSV text, without a byte-order mark (use <see cref="WriteUtf8"/> for a file or HTTP body).</summary>
    public static string Write(ProofOfUseDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var csv = new StringBuilder();
        AppendLine(csv, [.. ProofOfUseText.VoucherColumns.Select(Text)]);

        foreach (VoucherLine v in ProofOfUseText.Ordered(document))
        {
            AppendLine(csv,
            [
                v.Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
                GermanDate.Format(v.Date),
                Text(v.Payee),
                Text(v.Reason),
                Text(v.PurposeName),
                Amount(v.Amount),
                Text(v.VoucherNumber),
                Text(v.Facility),
                Text(v.HasDocument ? v.DocumentSha256!.Trim() : ""),
                Text(ProofOfUseText.Hint(v)),
            ]);
        }

        bool anyWithdrawn = document.Vouchers.Any(v => v.Withdrawn);
        AppendLine(csv,
        [
            SumLabel, "", "", "", "", Amount(ProofOfUseText.SumCounted(document)), "", "", "",
            anyWithdrawn ? Text(SumHintWithWithdrawn) : "",
        ]);
        return csv.ToString();
    }

    /// <summary>UTF-8 with a byte-order mark: without it Excel reads the file as Windows-1252 and breaks the umlauts.</summary>
    public static byte[] WriteUtf8(ProofOfUseDocument document)
    {
        string text = Write(document);
        byte[] preamble = Utf8WithBom.GetPreamble();
        byte[] bytes = new byte[preamble.Length + Utf8WithBom.GetByteCount(text)];
        preamble.CopyTo(bytes, 0);
        Utf8WithBom.GetBytes(text, 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    private static string Amount(Money amount) => ProofOfUseText.CsvAmount(amount);

    /// <summary>A free-text cell: defused against formula injection, then quoted as RFC 4180 requires.</summary>
    internal static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        bool mustQuote = value.AsSpan().IndexOfAny(";\"\r\n") >= 0;
        return mustQuote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void AppendLine(StringBuilder csv, string[] cells)
    {
        csv.AppendJoin(Separator, cells);
        csv.Append(LineEnd);
    }
}
