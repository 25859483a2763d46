using System.IO.Compression;
using System.Text.Json;

namespace Samjournal.Tests.Conformance;

/// <summary>
/// The Synthea bundles and what they hold, read straight from the files with System.Text.Json, so
/// search tests compare the server's answers with numbers the code under test never touched.
/// </summary>
internal sealed class SyntheaCorpus
{
    public const string SyntheaSystem = "https://github.com/synthetichealth/synthea";

    private static readonly Lazy<SyntheaCorpus> Loaded = new(() => new SyntheaCorpus(), LazyThreadSafetyMode.ExecutionAndPublication);

    private SyntheaCorpus()
    {
        var files = Directory.GetFiles(TestData.Path("synthea-r4"), "*.json.gz").Order(StringComparer.Ordinal).ToList();
        SharedFiles = files.Where(f => !Path.GetFileName(f).StartsWith("patient-", StringComparison.Ordinal)).ToList();
        PatientFiles = files.Except(SharedFiles).ToList();
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(Decompress(file));
            var resources = doc.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList();
            foreach (var resource in resources)
            {
                var type = resource.GetProperty("resourceType").GetString()!;
                CountsByType[type] = CountsByType.GetValueOrDefault(type) + 1;
                Resources.Add(resource);
            }

            if (resources.FirstOrDefault(r => r.GetProperty("resourceType").GetString() == "Patient") is { ValueKind: JsonValueKind.Object } patient)
            {
                Patients.Add(new SyntheaPatient(
                    patient.GetProperty("identifier").EnumerateArray().First(i => i.TryGetProperty("system", out var s) && s.GetString() == SyntheaSystem).GetProperty("value").GetString()!,
                    patient.GetProperty("name").EnumerateArray().Select(n => n.TryGetProperty("family", out var f) ? f.GetString()! : "").Where(f => f.Length > 0).ToList(),
                    resources.GroupBy(r => r.GetProperty("resourceType").GetString()!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)));
            }
        }
    }

    public static SyntheaCorpus Instance => Loaded.Value;

    public List<string> SharedFiles { get; }

    public List<string> PatientFiles { get; }

    public Dictionary<string, int> CountsByType { get; } = new(StringComparer.Ordinal);

    public List<JsonElement> Resources { get; } = [];

    public List<SyntheaPatient> Patients { get; } = [];

    public IEnumerable<JsonElement> OfType(string type) => Resources.Where(r => r.GetProperty("resourceType").GetString() == type);

    public static byte[] Decompress(string file)
    {
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>The (system, code) pairs of a CodeableConcept property.</summary>
    public static IEnumerable<(string? System, string? Code)> Codings(JsonElement resource, string property) =>
        resource.TryGetProperty(property, out var concept) && concept.TryGetProperty("coding", out var codings)
            ? codings.EnumerateArray().Select(c => (c.TryGetProperty("system", out var s) ? s.GetString() : null, c.TryGetProperty("code", out var k) ? k.GetString() : null))
            : [];
}

/// <summary>One Synthea patient: its Synthea id, its family names, and how many resources of each
/// type its bundle holds.</summary>
internal sealed record SyntheaPatient(string SyntheaId, IReadOnlyList<string> Families, IReadOnlyDictionary<string, int> CountsByType);
