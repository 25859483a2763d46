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
    public void Special_parameters_are_listed_as_skipped_and_no_composite_is()
    {
        var skipped = SearchParameterCatalog.Instance.Skipped;

        Assert.Contains(skipped, s => s is { ResourceType: "Location", Code: "near", Type: SearchParamType.Special });
        Assert.DoesNotContain(skipped, s => s.Type == SearchParamType.Composite);
        Assert.DoesNotContain(skipped, s => s.Reason.StartsWith("expression does not compile", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Observation", "component-code-value-quantity", "Observation.component", "component-code", SearchParamType.Token, "component-value-quantity", SearchParamType.Quantity)]
    [InlineData("Observation", "code-value-date", "Observation", "code", SearchParamType.Token, "value-date", SearchParamType.Date)]
    [InlineData("DocumentReference", "relationship", "DocumentReference.relatesTo", "relatesto", SearchParamType.Reference, "relation", SearchParamType.Token)]
    [InlineData("Questionnaire", "context-type-quantity", "Questionnaire.useContext", "context-type", SearchParamType.Token, "context-quantity", SearchParamType.Quantity)]
    public void Composites_carry_their_components_with_the_component_types(
        string type, string code, string expression, string first, SearchParamType firstType, string second, SearchParamType secondType)
    {
        var parameter = SearchParameterCatalog.Instance.Find(type, code);

        Assert.NotNull(parameter);
        Assert.Equal(SearchParamType.Composite, parameter.Type);
        Assert.Equal(expression, parameter.Expression);
        Assert.Equal([(first, firstType), (second, secondType)], parameter.Components.Select(c => (c.Code, c.Type)));
    }

    [Fact]
    public void A_DateTime_cast_in_a_component_means_the_FHIR_dateTime()
    {
        var codeValueDate = SearchParameterCatalog.Instance.Find("Observation", "code-value-date")!;

        Assert.Equal("value.as(dateTime) | value.as(Period)", codeValueDate.Components[1].Expression);
    }

    [Fact]
    public void The_swapped_R4_expressions_of_DocumentReference_relationship_are_corrected()
    {
        var relationship = SearchParameterCatalog.Instance.Find("DocumentReference", "relationship")!;

        Assert.Equal(["target", "code"], relationship.Components.Select(c => c.Expression));
    }

    [Fact]
    public void MolecularSequence_coordinates_have_three_components()
    {
        var coordinate = SearchParameterCatalog.Instance.Find("MolecularSequence", "chromosome-variant-coordinate")!;

        Assert.Equal([SearchParamType.Token, SearchParamType.Number, SearchParamType.Number], coordinate.Components.Select(c => c.Type));
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

    [Fact]
    public void Composites_of_simple_paths_are_evaluated_directly()
    {
        var catalog = SearchParameterCatalog.Instance;
        var composites = ModelInfo.SupportedResources.SelectMany(catalog.For).Where(p => p.Components.Count > 0).ToList();
        var direct = composites.Where(p => p.DirectComposite).ToList();

        // All eight Observation composites (code-value-quantity, component-code-value-concept...)
        // are simple paths; the direct/engine equality test over the official examples covers them.
        Assert.Equal(8, catalog.For("Observation").Count(p => p.DirectComposite));
        Assert.True(direct.Count >= composites.Count * 3 / 4, $"{direct.Count} of {composites.Count} composites are direct");
    }
}
