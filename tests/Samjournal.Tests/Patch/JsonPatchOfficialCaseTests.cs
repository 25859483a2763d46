using System.Net;
using System.Text.Json.Nodes;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Patch;

namespace Samjournal.Tests.Patch;

/// <summary>
/// Every case of the official JSON Patch suite (fhir-test-cases r4/patch/json-patch-tests.json: RFC 6902
/// appendix A plus section 4.1). A case has "doc", "patch", and either "expected" or "error" (a
/// human explanation, not a message to match).
/// </summary>
public class JsonPatchOfficialCaseTests
{
    private static readonly Lazy<Dictionary<string, JsonObject>> cases = new(Load);

    public static TheoryData<string> CaseNames() => [.. cases.Value.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void official_case_gives_the_expected_document_or_a_422(string name)
    {
        var testCase = cases.Value[name];
        var doc = testCase["doc"];
        var patch = testCase["patch"];

        if (testCase.TryGetPropertyValue("expected", out var expected))
        {
            var actual = JsonPatch.Apply(doc, patch);
            Assert.True(
                JsonNode.DeepEquals(expected, actual),
                $"expected {expected?.ToJsonString()}\nbut got  {actual?.ToJsonString()}");
        }
        else
        {
            Assert.True(testCase.ContainsKey("error"), $"case '{name}' has neither 'expected' nor 'error'");
            var error = Assert.Throws<FhirOperationException>(() => JsonPatch.Apply(doc, patch));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Status);
            Assert.Contains("operation [0]", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void the_official_suite_is_all_there()
    {
        // A truncated or moved file must not pass as "all cases green".
        Assert.Equal(16, cases.Value.Count);
    }

    private static Dictionary<string, JsonObject> Load()
    {
        var file = TestData.Path("fhir-test-cases", "json-patch-tests.json");
        var all = JsonNode.Parse(File.ReadAllBytes(file))!.AsArray();
        return all.Select(c => c!.AsObject()).ToDictionary(c => c["comment"]!.GetValue<string>().Trim(), StringComparer.Ordinal);
    }
}
