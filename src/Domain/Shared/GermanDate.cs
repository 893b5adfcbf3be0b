using System.Globalization;

namespace FlutHilfe.Domain.Shared;

/// <summary>Dates as German readers expect them on receipts, proofs, pages and mails: "28.11.2026" (culture-independent).</summary>
public static class GermanDate
{
    private static readonly TimeZoneInfo? Berlin = FindBerlin();

    public static string Format(DateOnly date) => date.ToString("dd'.'MM'.'yyyy", CultureInfo.InvariantCulture);

    /// <summary>The German calendar day (Europe/Berlin) of a moment: the day a business instant without a date of its own counts on.</summary>
    public static DateOnly DayOf(DateTimeOffset moment) => DateOnly.FromDateTime(Civil(moment).DateTime);

    /// <summary>The moment in German civil time (the offset the moment carries when the machine has no time-zone data).</summary>
    public static DateTimeOffset Civil(DateTimeOffset moment) => Berlin is null ? moment : TimeZoneInfo.ConvertTime(moment, Berlin);

    private static TimeZoneInfo? FindBerlin()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}
