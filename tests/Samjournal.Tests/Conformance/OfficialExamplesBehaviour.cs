using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Samjournal.Tests.Conformance;

/// <summary>
/// Every clinical and administrative example of the official R4 examples is written with its own
/// id and read back equal apart from meta; any the server cannot store must be refused with a
/// 4xx OperationOutcome, never a 5xx; searches over them then find what the JSON holds.
/// </summary>
public abstract class OfficialExamplesBehaviour(SamjournalHost host, ITestOutputHelper output)
{
    private static readonly HashSet<string> ConformanceTypes = new(StringComparer.Ordinal)
    {
        "StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter", "OperationDefinition", "CapabilityStatement",
        "CompartmentDefinition", "ConceptMap", "NamingSystem", "ImplementationGuide", "StructureMap", "GraphDefinition",
        "MessageDefinition", "TerminologyCapabilities", "ExampleScenario", "TestScript", "TestReport",
    };

    [Fact]
    public async Task Every_clinical_example_round_trips_or_is_refused_with_a_4xx()
    {
        var examples = ReadExamples();
        Assert.True(examples.Count > 600, $"Only {examples.Count} examples were found.");

        var parser = new FhirJsonDeserializer(new DeserializerSettings());
        int stored = 0, refused = 0;
        var refusals = new List<string>();
        var kept = new List<JsonElement>();
        foreach (var (name, type, id, json) in examples)
        {
            var response = await host.Client.PutAsync($"{type}/{id}", new StringContent(json, Encoding.UTF8, "application/fhir+json"));
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"{name}: {status} {await response.Content.ReadAsStringAsync()}");
            if (status >= 400)
            {
                await response.ExpectOutcomeAsync(response.StatusCode);
                refused++;
                refusals.Add($"{name}: {status}");
                continue;
            }

            var read = parser.DeserializeResource(await (await host.Client.GetAsync($"{type}/{id}")).Content.ReadAsStringAsync());
            var original = parser.DeserializeResource(json);
            read.Meta = null;
            original.Meta = null;
            Assert.True(original.IsExactly(read), $"{name} did not read back as written.");
            stored++;
            kept.Add(JsonDocument.Parse(json).RootElement.Clone());
        }

        output.WriteLine($"{host.Backend}: {stored} of {examples.Count} examples stored and read back equal, {refused} refused with 4xx.");
        foreach (var line in refusals)
        {
            output.WriteLine("  refused " + line);
        }

        // The strict parser refuses only examples that are themselves invalid FHIR; that is a handful.
        Assert.True(stored >= examples.Count * 0.97, $"Only {stored} of {examples.Count} stored.");
        await SearchesFindWhatTheExamplesHoldAsync(kept);
    }

    /// <summary>Searches over the stored examples, each compared with a count the test takes from
    /// the example JSON itself.</summary>
    private async Task SearchesFindWhatTheExamplesHoldAsync(List<JsonElement> stored)
    {
        IEnumerable<JsonElement> OfType(string type) => stored.Where(r => r.GetProperty("resourceType").GetString() == type);
        static string? Text(JsonElement e, string property) =>
            e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static string? Reference(JsonElement e, string property) =>
            e.TryGetProperty(property, out var r) && r.TryGetProperty("reference", out var v) ? v.GetString() : null;

        var checks = new List<(string Query, int Expected)>
        {
            ("Patient?gender=male", OfType("Patient").Count(p => Text(p, "gender") == "male")),
            ("Patient?active=true", OfType("Patient").Count(p => p.TryGetProperty("active", out var a) && a.ValueKind == JsonValueKind.True)),
            ("Observation?status=final", OfType("Observation").Count(o => Text(o, "status") == "final")),
            ("Observation?subject=Patient/example", OfType("Observation").Count(o => Reference(o, "subject") == "Patient/example")),
            ("Condition?subject=Patient/example", OfType("Condition").Count(c => Reference(c, "subject") == "Patient/example")),
            ("Encounter?status=finished", OfType("Encounter").Count(e => Text(e, "status") == "finished")),
        };

        // The most frequent LOINC code among the observations.
        var loinc = OfType("Observation")
            .SelectMany(o => o.TryGetProperty("code", out var c) && c.TryGetProperty("coding", out var cs)
                ? cs.EnumerateArray().Where(k => Text(k, "system") == "http://loinc.org").Select(k => Text(k, "code")!).Distinct()
                : [])
            .GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        checks.Add(($"Observation?code=http://loinc.org|{loinc.Key}", loinc.Count()));

        foreach (var (query, expected) in checks)
        {
            var bundle = await (await host.Client.GetAsync(query + "&_summary=count")).ExpectAsync<Bundle>(System.Net.HttpStatusCode.OK);
            Assert.True(expected == bundle.Total, $"{query}: expected {expected}, the server found {bundle.Total}");
        }

        Assert.Contains(checks, c => c.Expected > 5);
    }

    private static List<(string Name, string Type, string Id, string Json)> ReadExamples()
    {
        var list = new List<(string, string, string, string)>();
        using var gzip = new GZipStream(File.OpenRead(TestData.Path("fhir-r4-examples", "hl7.fhir.r4.examples-4.0.1.tgz")), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !entry.Name.EndsWith(".json", StringComparison.Ordinal) || entry.Name.Contains("/.", StringComparison.Ordinal))
            {
                continue;
            }

            using var reader = new StreamReader(entry.DataStream);
            var json = reader.ReadToEnd();
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("resourceType", out var typeElement) || !doc.RootElement.TryGetProperty("id", out var idElement))
            {
                continue;
            }

            var type = typeElement.GetString()!;
            if (!ConformanceTypes.Contains(type))
            {
                list.Add((Path.GetFileName(entry.Name), type, idElement.GetString()!, json));
            }
        }

        return list;
    }
}

public sealed class ExamplesOnSqlite(SqliteHost host, ITestOutputHelper output) : OfficialExamplesBehaviour(host, output), IClassFixture<SqliteHost>;

public sealed class ExamplesOnPostgres(PostgresHost host, ITestOutputHelper output) : OfficialExamplesBehaviour(host, output), IClassFixture<PostgresHost>;
