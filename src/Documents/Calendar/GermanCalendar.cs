using System.Globalization;

namespace FlutHilfe.Documents.Calendar;

/// <summary>
/// German civil time (Europe/Berlin). Days on documents, deadlines and receipt years are German calendar days: a receipt
/// issued at 00:30 on 1 January in Aachen is dated 01.01. and numbered in the new year, although it is still 31 December in UTC.
/// </summary>
public static class GermanCalendar
{
    private static readonly TimeZoneInfo? Berlin = FindBerlin();

    private static TimeZoneInfo? FindBerlin()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null; // no tz data on the machine: the offset the moment carries
        }
    }

    /// <summary>The moment in German civil time.</summary>
    public static DateTimeOffset Civil(DateTimeOffset moment) => Domain.Shared.GermanDate.Civil(moment);

    /// <summary>The German calendar day of a moment.</summary>
    public static DateOnly Day(DateTimeOffset moment) => Domain.Shared.GermanDate.DayOf(moment);

    /// <summary>The moment a German calendar day begins (midnight in Berlin).</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return Berlin is null ? new DateTimeOffset(midnight, TimeSpan.Zero) : new DateTimeOffset(midnight, Berlin.GetUtcOffset(midnight));
    }

    /// <summary>"28.11.2026, 14:05 Uhr".</summary>
    public static string DateTime(DateTimeOffset moment) =>
        Day(moment).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture) + Civil(moment).ToString("', 'HH':'mm' Uhr'", CultureInfo.InvariantCulture);
}
