using System.Net;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Patch;

namespace Samjournal.Tests.Patch;

/// <summary>
/// Every case of the official FHIRPath Patch suite (fhir-test-cases r4/patch/fhir-patch-tests.xml).
/// A case holds an input resource, a diff (the patch Parameters) and either an output resource or
/// an error element. The "mode" attribute (both/forwards) is for diff generators; applying the
/// patch forwards is what every case tests.
/// </summary>
public class FhirPathPatchOfficialCaseTests
{
    private static readonly Lazy<Dictionary<string, XElement>> cases = new(Load);
    // The suite uses resources with no content at all (an empty Patient, a Parameters without
    // operations). FHIR calls empty elements invalid (PVAL129); here they are data, so that one rule is off.
    private static readonly FhirXmlDeserializer xml = new(new DeserializerSettings().Ignoring(["PVAL129"]));

    public static TheoryData<string> CaseNames() => [.. cases.Value.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void official_case_gives_the_expected_resource_or_a_422(string name)
    {
        var testCase = cases.Value[name];
        var input = Resource(testCase, "input");
        var patch = (Parameters)Resource(testCase, "diff");

        if (testCase.Element("error") is { } expectedError)
        {
            var error = Assert.Throws<FhirOperationException>(() => FhirPathPatch.Apply(input, patch));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
            Assert.Contains("operation [0]", error.Message, StringComparison.Ordinal);
            // The suite's message is Java's ("... when adding"); ours must at least say the same before that.
            var official = expectedError.Attribute("msg")!.Value;
            Assert.Contains(official[..official.IndexOf(" when ", StringComparison.Ordinal)], error.Message, StringComparison.Ordinal);
        }
        else
        {
            var expected = WithoutNarrativeWhitespace(Resource(testCase, "output"));
            var actual = WithoutNarrativeWhitespace(FhirPathPatch.Apply(input, patch));
            Assert.True(
                expected.IsExactly(actual),
                $"expected {expected.ToJson()}\nbut got  {actual.ToJson()}");
        }
    }

    [Fact]
    public void the_official_suite_is_all_there()
    {
        Assert.Equal(33, cases.Value.Count);
    }

    /// <summary>
    /// Firely's XML parser drops whitespace-only text nodes inside the narrative div, so the expected
    /// div of "Full Resource" lost the whitespace that its patch value (a string) keeps. Dropping
    /// that insignificant whitespace on both sides compares the XHTML itself.
    /// </summary>
    private static Resource WithoutNarrativeWhitespace(Resource resource)
    {
        if (resource is DomainResource { Text.Div: { } div } domainResource)
        {
            domainResource.Text.Div = XElement.Parse(div).ToString(SaveOptions.DisableFormatting);
        }

        return resource;
    }

    private static Resource Resource(XElement testCase, string element)
    {
        var resource = testCase.Element(element)!.Elements().Single();
        return xml.DeserializeResource(resource.ToString(SaveOptions.DisableFormatting));
    }

    private static Dictionary<string, XElement> Load()
    {
        var file = TestData.Path("fhir-test-cases", "fhir-patch-tests.xml");
        return XDocument.Load(file).Root!.Elements("case")
            .ToDictionary(c => c.Attribute("name")!.Value, StringComparer.Ordinal);
    }
}
