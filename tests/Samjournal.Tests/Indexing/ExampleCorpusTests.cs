using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Indexing;
using Xunit.Abstractions;

namespace Samjournal.Tests.Indexing;

public class ExampleCorpusTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_official_example_is_indexed_without_throwing()
    {
        var resources = LoadExamples(out var files, out var unparsed);
        Assert.True(resources.Count > 4000, $"only {resources.Count} of {files} examples parsed");

        SearchParameterCatalog.Instance.For("Patient"); // compile outside the timing
        var withEntries = 0;
        var failedParameters = 0;
        var failuresByParam = new Dictionary<string, int>();
        var watch = Stopwatch.StartNew();
        foreach (var resource in resources)
        {
            var entries = IndexExtractor.Extract(resource);
            if (entries.Tokens.Count + entries.Strings.Count + entries.References.Count + entries.Dates.Count
                + entries.Numbers.Count + entries.Quantities.Count + entries.Uris.Count > 0)
            {
                withEntries++;
            }

            failedParameters += entries.Errors.Count;
            foreach (var error in entries.Errors)
            {
                var key = $"{resource.TypeName}.{error.Param} {error.ExceptionType}";
                failuresByParam[key] = failuresByParam.GetValueOrDefault(key) + 1;
            }
        }

        watch.Stop();
        output.WriteLine($"{files} files, {resources.Count} parsed, {unparsed} not parsed; {withEntries} with entries; "
            + $"{failedParameters} failed parameter evaluations; {resources.Count / watch.Elapsed.TotalSeconds:N0} resources/s");
        foreach (var (key, count) in failuresByParam.OrderByDescending(f => f.Value).Take(20))
        {
            output.WriteLine($"  {count} x {key}");
        }

        Assert.True(withEntries >= resources.Count * 0.95, $"{withEntries} of {resources.Count} had entries");
    }

    private static List<Resource> LoadExamples(out int files, out int unparsed)
    {
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings());
        var resources = new List<Resource>();
        files = 0;
        unparsed = 0;
        using var archive = new GZipStream(File.OpenRead(TestData.Path("fhir-r4-examples", "hl7.fhir.r4.examples-4.0.1.tgz")), CompressionMode.Decompress);
        using var tar = new TarReader(archive);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !entry.Name.EndsWith(".json", StringComparison.Ordinal)
                || entry.Name.EndsWith("package.json", StringComparison.Ordinal) || entry.Name.Contains("/.", StringComparison.Ordinal))
            {
                continue;
            }

            files++;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            var reader = new Utf8JsonReader(buffer.ToArray());
            try
            {
                if (deserializer.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null)
                {
                    resources.Add(resource);
                }
                else
                {
                    unparsed++;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                unparsed++;
            }
        }

        return resources;
    }
}
