using System.Globalization;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class FhirDateRangeTests
{
    [Theory]
    [InlineData("2020", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z")]
    [InlineData("2020-03", "2020-03-01T00:00:00Z", "2020-04-01T00:00:00Z")]
    [InlineData("2020-12", "2020-12-01T00:00:00Z", "2021-01-01T00:00:00Z")]
    [InlineData("2020-02-29", "2020-02-29T00:00:00Z", "2020-03-01T00:00:00Z")]
    [InlineData("2020-03-05T10:15:30Z", "2020-03-05T10:15:30Z", "2020-03-05T10:15:31Z")]
    [InlineData("2020-03-05T10:15:30+01:00", "2020-03-05T09:15:30Z", "2020-03-05T09:15:31Z")]
    [InlineData("2020-03-05T10:15:30-05:30", "2020-03-05T15:45:30Z", "2020-03-05T15:45:31Z")]
    [InlineData("2020-03-05T10:15:30.5Z", "2020-03-05T10:15:30.5Z", "2020-03-05T10:15:30.6Z")]
    [InlineData("2020-03-05T10:15:30.250Z", "2020-03-05T10:15:30.25Z", "2020-03-05T10:15:30.251Z")]
    [InlineData("2020-03-05T10:15:30", "2020-03-05T10:15:30Z", "2020-03-05T10:15:31Z")]
    [InlineData("2020-03-05T10:15Z", "2020-03-05T10:15:00Z", "2020-03-05T10:16:00Z")]
    public void Dates_cover_the_precision_they_are_written_with(string text, string start, string end)
    {
        Assert.True(FhirDateRange.TryParse(text, out var actualStart, out var actualEnd));
        Assert.Equal(Parse(start), actualStart);
        Assert.Equal(Parse(end), actualEnd);
        Assert.Equal(TimeSpan.Zero, actualStart.Offset);
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
