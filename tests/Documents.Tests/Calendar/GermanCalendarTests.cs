using FlutHilfe.Documents.Calendar;

namespace FlutHilfe.Documents.Tests.Calendar;

public class GermanCalendarTests
{
    [Theory]
    [InlineData("2021-12-31T23:30:00Z", "2022-01-01")] // winter time, UTC+1: New Year's Day in Aachen
    [InlineData("2021-12-31T22:59:59Z", "2021-12-31")]
    [InlineData("2021-07-14T22:30:00Z", "2021-07-15")] // summer time, UTC+2
    [InlineData("2021-07-14T21:59:59Z", "2021-07-14")]
    public void a_moment_falls_on_its_german_calendar_day(string moment, string day)
        => GermanCalendar.Day(DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void a_german_day_starts_at_midnight_in_berlin()
    {
        GermanCalendar.StartOf(new DateOnly(2022, 1, 1)).ShouldBe(new DateTimeOffset(2021, 12, 31, 23, 0, 0, TimeSpan.Zero));
        GermanCalendar.StartOf(new DateOnly(2021, 7, 15)).ShouldBe(new DateTimeOffset(2021, 7, 14, 22, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void civil_time_is_printed_in_german()
        => GermanCalendar.DateTime(new DateTimeOffset(2026, 11, 28, 13, 5, 0, TimeSpan.Zero)).ShouldBe("28.11.2026, 14:05 Uhr");
}
