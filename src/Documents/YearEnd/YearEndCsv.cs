using System.Text;
using FlutHilfe.Documents.ProofOfUse;
using FlutHilfe.Domain.Shared;

namespace FlutHilfe.Documents.YearEnd;

/// <summary>
/// The year-end report as CSV for Excel in Germany (as the Belegliste: <c>;</c>, CRLF, UTF-8 with BOM, amounts "1234,56"):
/// a column "Bereich" (Fonds, Gemeinde), the name, the opening figure, the year's movements, the closing figure; a sum line per
/// area. Figures that do not apply to an area stay empty.
/// </summary>
public static class YearEndCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static string Write(YearEndDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var csv = new StringBuilder();
        Line(csv, ["Bereich", .. YearEndText.Columns(document).Select(c => c.Replace('\n', ' '))]);
        foreach (var line in document.Funds) Row(csv, "Fonds", line);
        Row(csv, "Fonds", document.FundsTotal);
        foreach (var line in document.Municipalities) Row(csv, "Gemeinde", line);
        Row(csv, "Gemeinde", document.MunicipalitiesTotal);
        return csv.ToString();
    }

    public static byte[] WriteUtf8(YearEndDocument document) => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Write(document))];

    private static void Row(StringBuilder csv, string area, YearEndLine l) => Line(csv,
    [
        area, ProofOfUseCsv.Text(l.Name), Amount(l.Opening), Amount(l.Received), Amount(l.RefundedByBank), Amount(l.Allocated), Amount(l.Disbursed),
        Amount(l.Spent), Amount(l.Returned), Amount(l.Closing),
    ]);

    private static string Amount(Money? amount) => amount is { } m ? ProofOfUseText.CsvAmount(m) : "";

    private static void Line(StringBuilder csv, string[] cells)
    {
        csv.AppendJoin(ProofOfUseCsv.Separator, cells);
        csv.Append(ProofOfUseCsv.LineEnd);
    }
}
