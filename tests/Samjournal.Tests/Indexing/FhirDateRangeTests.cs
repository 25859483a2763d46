using System.Globalization;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class FhirDateRangeTests
{
    // Values without a zone are Oslo wall-clock time: CET (+01:00) in winter, CEST (+02:00) in summer.
    [Theory]
    [InlineData("2020", "2019-12-31T23:00:00Z", "2020-12-31T23:00:00Z")]
    [InlineData("2020-03", "2020-02-29T23:00:00Z", "2020-03-31T22:00:00Z")]
    [InlineData("2020-12", "2020-11-30T23:00:00Z", "2020-12-31T23:00:00Z")]
    [InlineData("2020-02-29", "2020-02-28T23:00:00Z", "2020-02-29T23:00:00Z")]
    [InlineData("2020-07-01", "2020-06-30T22:00:00Z", "2020-07-01T22:00:00Z")]
    [InlineData("2020-03-05T10:15:30Z", "2020-03-05T10:15:30Z", "2020-03-05T10:15:31Z")]
    [InlineData("2020-03-05T10:15:30+01:00", "2020-03-05T09:15:30Z", "2020-03-05T09:15:31Z")]
    [InlineData("2020-03-05T10:15:30-05:30", "2020-03-05T15:45:30Z", "2020-03-05T15:45:31Z")]
    [InlineData("2020-03-05T10:15:30.5Z", "2020-03-05T10:15:30.5Z", "2020-03-05T10:15:30.6Z")]
    [InlineData("2020-03-05T10:15:30.250Z", "2020-03-05T10:15:30.25Z", "2020-03-05T10:15:30.251Z")]
    [InlineData("2020-03-05T10:15:30", "2020-03-05T09:15:30Z", "2020-03-05T09:15:31Z")]
    [InlineData("2020-07-05T10:15", "2020-07-05T08:15:00Z", "2020-07-05T08:16:00Z")]
    [InlineData("2020-03-05T10:15Z", "2020-03-05T10:15:00Z", "2020-03-05T10:16:00Z")]
    public void Dates_cover_the_precision_they_are_written_with(string text, string start, string end)
    {
        Assert.True(FhirDateRange.TryParse(text, out var actualStart, out var actualEnd));
        Assert.Equal(Parse(start), actualStart);
        Assert.Equal(Parse(end), actualEnd);
        Assert.Equal(TimeSpan.Zero, actualStart.Offset);
    }

    // Norway moved the clocks forward at 02:00 on 2024-03-31 and back at 03:00 on 2024-10-27.
    [Theory]
    [InlineData("2024-03-31", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z")]
    [InlineData("2024-10-27", "2024-10-26T22:00:00Z", "2024-10-27T23:00:00Z")]
    [InlineData("2024-03-30", "2024-03-29T23:00:00Z", "2024-03-30T23:00:00Z")]
    [InlineData("2024-04-01", "2024-03-31T22:00:00Z", "2024-04-01T22:00:00Z")]
    public void Days_are_Norwegian_days_also_when_the_clocks_change(string day, string start, string end)
    {
        Assert.True(FhirDateRange.TryParse(day, out var actualStart, out var actualEnd));
        Assert.Equal(Parse(start), actualStart);
        Assert.Equal(Parse(end), actualEnd);
    }

    [Theory]
    // 02:30 did not exist on 2024-03-31: read with the winter offset, which is 03:30 summer time.
    [InlineData("2024-03-31T02:30:00", "2024-03-31T01:30:00Z")]
    [InlineData("2024-03-31T03:00:00", "2024-03-31T01:00:00Z")]
    // 02:30 happened twice on 2024-10-27: the first time, still summer time.
    [InlineData("2024-10-27T02:30:00", "2024-10-27T00:30:00Z")]
    [InlineData("2024-10-27T03:00:00", "2024-10-27T02:00:00Z")]
    public void Clock_times_without_a_zone_around_the_changes_are_read_as_Oslo_time(string text, string start)
    {
        Assert.True(FhirDateRange.TryParse(text, out var actualStart, out var actualEnd));
        Assert.Equal(Parse(start), actualStart);
        Assert.Equal(TimeSpan.FromSeconds(1), actualEnd - actualStart);
    }

    [Fact]
    public void The_first_and_last_years_stay_inside_the_representable_range()
    {
        Assert.True(FhirDateRange.TryParse("0001", out var start, out _));
        Assert.Equal(DateTimeOffset.MinValue, start);
        Assert.True(FhirDateRange.TryParse("9999-12-31T23:30:00", out _, out var end));
        Assert.Equal(Parse("9999-12-31T22:30:01Z"), end);
    }

    [Fact]
    public void The_last_year_ends_at_the_end_of_time()
    {
        Assert.True(FhirDateRange.TryParse("9999", out _, out var end));
        Assert.Equal(DateTimeOffset.MaxValue, end);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20")]
    [InlineData("2020-13")]
    [InlineData("2020-02-30")]
    [InlineData("2020-03-05T25:00:00Z")]
    [InlineData("2020-03-05T10:15:30+1")]
    [InlineData("yesterday")]
    public void Malformed_dates_are_rejected(string text) =>
        Assert.False(FhirDateRange.TryParse(text, out _, out _));

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
