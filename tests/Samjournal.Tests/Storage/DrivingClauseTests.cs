using Samjournal.Fhir.Search;
using Samjournal.Fhir.Storage;

namespace Samjournal.Tests.Storage;

/// <summary>
/// Which clause a search page is driven from: the one expected to match fewest rows, whatever
/// order the client wrote the parameters in. <c>Observation?category=laboratory&amp;subject=X</c>
/// driven by the category walked every patient's lab results (docs/benchmarks.md).
/// </summary>
public sealed class DrivingClauseTests
{
    private static int Rank(string type, string query) => StoreSession.SelectivityRank(CriteriaParser.Parse(type, query).Single());

    [Fact]
    public void A_reference_to_one_resource_is_preferred_over_a_category_without_system()
    {
        Assert.True(Rank("Observation", "subject=Patient/p1") < Rank("Observation", "category=laboratory"));
    }

    [Fact]
    public void A_code_with_its_system_is_preferred_over_a_code_alone_and_over_a_date_range()
    {
        var coded = Rank("Observation", "code=http://loinc.org|8302-2");
        Assert.True(coded < Rank("Observation", "status=final"));
        Assert.True(coded < Rank("Observation", "date=ge2015"));
        Assert.True(Rank("Observation", "status=final") < Rank("Observation", "date=ge2015"));
    }

    [Fact]
    public void Conditions_the_value_index_cannot_seek_come_last()
    {
        var range = Rank("Observation", "date=ge2015");
        Assert.True(Rank("Patient", "name:contains=sen") > range);
        Assert.True(Rank("Observation", "code:text=glucose") > range);
        Assert.True(Rank("Patient", "family:exact=Ødegård") < Rank("Patient", "family=Ødeg"));
    }
}
