using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Indexing;
using Xunit.Abstractions;

namespace Samjournal.Tests.Indexing;

/// <summary>The official R4 examples, parsed once for the tests of this class.</summary>
public sealed class ExampleCorpus
{
    public ExampleCorpus()
    {
        var deserializer = new FhirJsonDeserializer(new DeserializerSettings());
        using var archive = new GZipStream(File.OpenRead(TestData.Path("fhir-r4-examples", "hl7.fhir.r4.examples-4.0.1.tgz")), CompressionMode.Decompress);
        using var tar = new TarReader(archive);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !entry.Name.EndsWith(".json", StringComparison.Ordinal)
                || entry.Name.EndsWith("package.json", StringComparison.Ordinal) || entry.Name.Contains("/.", StringComparison.Ordinal))
            {
                continue;
            }

            Files++;
            using var buffer = new MemoryStream();
            entry.DataStream.CopyTo(buffer);
            var reader = new Utf8JsonReader(buffer.ToArray());
            try
            {
                if (deserializer.TryDeserializeResource(ref reader, out var resource, out _) && resource is not null)
                {
                    Resources.Add(resource);
                }
                else
                {
                    Unparsed++;
                }
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                Unparsed++;
            }
        }
    }

    public int Files { get; }

    public int Unparsed { get; }

    public List<Resource> Resources { get; } = [];
}

public class ExampleCorpusTests(ExampleCorpus corpus, ITestOutputHelper output) : IClassFixture<ExampleCorpus>
{
    private static readonly HashSet<string> CommonParams = ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"];

    [Fact]
    public void Every_official_example_is_indexed_without_throwing()
    {
        var resources = corpus.Resources;
        Assert.True(resources.Count > 4000, $"only {resources.Count} of {corpus.Files} examples parsed");

        SearchParameterCatalog.Instance.For("Patient"); // build the catalog outside the timing
        var withEntries = 0;
        var withOwnEntries = 0;
        var failedParameters = 0;
        var watch = Stopwatch.StartNew();
        foreach (var resource in resources)
        {
            var entries = IndexExtractor.Extract(resource);
            var all = Flatten(entries).ToList();
            withEntries += all.Count > 0 ? 1 : 0;
            withOwnEntries += all.Any(e => !CommonParams.Contains(e.Param)) ? 1 : 0;
            failedParameters += entries.Errors.Count;
        }

        watch.Stop();
        output.WriteLine($"{corpus.Files} files, {resources.Count} parsed, {corpus.Unparsed} not parsed; {withEntries} with entries, "
            + $"{withOwnEntries} with entries beyond the common parameters; {failedParameters} failed parameter evaluations; "
            + $"{resources.Count / watch.Elapsed.TotalSeconds:N0} resources/s");

        Assert.Equal(0, failedParameters);
        Assert.True(withEntries >= resources.Count * 0.95, $"{withEntries} of {resources.Count} had entries");
        Assert.True(withOwnEntries >= resources.Count * 0.95, $"{withOwnEntries} of {resources.Count} had entries beyond _id and meta");
    }

    [Fact]
    public void Direct_paths_give_the_same_entries_as_the_fhirpath_engine()
    {
        var catalog = SearchParameterCatalog.Instance;
        var differences = new List<string>();
        foreach (var resource in corpus.Resources)
        {
            var direct = Flatten(IndexExtractor.Extract(resource, catalog, useDirectPaths: true)).Select(e => e.Text).ToHashSet();
            var engine = Flatten(IndexExtractor.Extract(resource, catalog, useDirectPaths: false)).Select(e => e.Text).ToHashSet();
            if (!direct.SetEquals(engine))
            {
                differences.Add($"{resource.TypeName}/{resource.Id}: only direct [{string.Join("; ", direct.Except(engine).Take(3))}] "
                    + $"only engine [{string.Join("; ", engine.Except(direct).Take(3))}]");
            }
        }

        foreach (var difference in differences.Take(20))
        {
            output.WriteLine(difference);
        }

        Assert.Empty(differences);
    }

    private static IEnumerable<(string Param, string Text)> Flatten(IndexEntries entries) =>
        entries.Tokens.Select(e => (e.Param, e.ToString()))
            .Concat(entries.Strings.Select(e => (e.Param, e.ToString())))
            .Concat(entries.References.Select(e => (e.Param, e.ToString())))
            .Concat(entries.Dates.Select(e => (e.Param, e.ToString())))
            .Concat(entries.Numbers.Select(e => (e.Param, e.ToString())))
            .Concat(entries.Quantities.Select(e => (e.Param, e.ToString())))
            .Concat(entries.Uris.Select(e => (e.Param, e.ToString())))
            .Concat(entries.Composites.Select(e => (e.Param, e.ToString())));
}
