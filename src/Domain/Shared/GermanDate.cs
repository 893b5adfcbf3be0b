using System.Globalization;

namespace FlutHilfe.Domain.Shared;

/// <summary>Dates as German readers expect them on receipts, proofs, pages and mails: "28.11.2026" (culture-independent).</summary>
public static class GermanDate
{
    public static string Format(DateOnly date) => date.ToString("dd'.'MM'.'yyyy", CultureInfo.InvariantCulture);
}
