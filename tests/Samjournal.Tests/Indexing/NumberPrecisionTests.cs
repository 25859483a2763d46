using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class NumberPrecisionTests
{
    [Theory]
    [InlineData("100", "99.5", "100.5")]
    [InlineData("100.00", "99.995", "100.005")]
    [InlineData("0.25", "0.245", "0.255")]
    [InlineData("5.4", "5.35", "5.45")]
    [InlineData("-3", "-3.5", "-2.5")]
    [InlineData("0", "-0.5", "0.5")]
    public void Numbers_cover_half_a_unit_of_their_last_digit(string value, string low, string high)
    {
        var (actualLow, actualHigh) = IndexExtractor.PrecisionRange(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(decimal.Parse(low, System.Globalization.CultureInfo.InvariantCulture), actualLow);
        Assert.Equal(decimal.Parse(high, System.Globalization.CultureInfo.InvariantCulture), actualHigh);
    }

    [Fact]
    public void A_decimal_search_value_on_a_resource_keeps_its_written_scale()
    {
        var assessment = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Subject = new ResourceReference("Patient/p1"),
            Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(0.250m) }],
        };

        var entries = IndexExtractor.Extract(assessment);

        var number = Assert.Single(entries.Numbers);
        Assert.Equal(new NumberEntry("probability", 0.250m, 0.2495m, 0.2505m), number);
        Assert.Equal(3, number.Value.Scale);
    }
}
