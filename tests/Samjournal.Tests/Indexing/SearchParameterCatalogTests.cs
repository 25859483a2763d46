using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class SearchParameterCatalogTests
{
    [Fact]
    public void Unions_split_at_top_level_only()
    {
        var branches = FhirPathUnion.Split("A.b | (C.d as Quantity) | E.f.where(g = 'x|y') | H.i.where((j | k).exists())");

        Assert.Equal(["A.b", "(C.d as Quantity)", "E.f.where(g = 'x|y')", "H.i.where((j | k).exists())"], branches);
    }

    [Fact]
    public void Only_branches_for_the_type_are_kept()
    {
        var expression = FhirPathUnion.ForType(
            "AllergyIntolerance.code | (DeviceRequest.code as CodeableConcept) | Observation.code | Resource.id",
            "Observation",
            ModelInfo.IsKnownResource);

        Assert.Equal("Observation.code | Resource.id", expression);
    }

    [Fact]
    public void Every_type_has_the_common_parameters()
    {
        var catalog = SearchParameterCatalog.Instance;
        foreach (var type in new[] { "Patient", "Observation", "Binary", "Bundle", "Organization" })
        {
            var codes = catalog.For(type).Select(p => p.Code).ToHashSet();
            Assert.Superset(new HashSet<string> { "_id", "_lastUpdated", "_tag", "_profile", "_security", "_source" }, codes);
        }
    }

    [Fact]
    public void Observation_patient_uses_only_its_own_branch_with_resolve()
    {
        var patient = SearchParameterCatalog.Instance.For("Observation").Single(p => p.Code == "patient");

        Assert.Equal("Observation.subject.where(resolve() is Patient)", patient.Expression);
        Assert.Equal(SearchParamType.Reference, patient.Type);
    }

    [Fact]
    public void Composite_and_special_parameters_are_listed_as_skipped()
    {
        var skipped = SearchParameterCatalog.Instance.Skipped;

        Assert.Contains(skipped, s => s is { ResourceType: "Observation", Code: "code-value-quantity", Type: SearchParamType.Composite });
        Assert.Contains(skipped, s => s is { ResourceType: "Location", Code: "near", Type: SearchParamType.Special });
        Assert.DoesNotContain(skipped, s => s.Reason.StartsWith("expression does not compile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Observation", "patient", true)]
    [InlineData("Observation", "value-quantity", true)]
    [InlineData("Observation", "value-string", true)]
    [InlineData("Patient", "deceased", false)]
    [InlineData("Patient", "family", true)]
    [InlineData("Patient", "phone", false)]
    [InlineData("Encounter", "_lastUpdated", true)]
    public void Simple_paths_are_evaluated_directly_and_the_rest_by_the_engine(string type, string code, bool direct)
    {
        var parameter = SearchParameterCatalog.Instance.For(type).Single(p => p.Code == code);

        Assert.Equal(direct, parameter.Direct is not null);
    }
}
