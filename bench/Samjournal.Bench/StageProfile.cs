using System.Diagnostics;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Bench;

/// <summary>
/// CPU per resource of each ingest stage on one core, without any database or HTTP: parse
/// (strict, entry by entry as the server reads a Bundle), the reference walk, index extraction
/// (every search parameter with composites; _text and _content apart) and serialisation for storage. It answers
/// "where does ingest time go" with the server's own code, so changes to one stage show up alone.
/// </summary>
internal static class StageProfile
{
    public static int Run(DataSet data)
    {
        var bundles = data.Shared.Concat(data.Patients).ToList();
        Console.Error.WriteLine("Stage profile: one warm-up pass, then one measured pass on one thread...");
        Measure(bundles); // Warm-up: JIT and Firely's type caches.
        var stages = Measure(bundles);

        var total = stages.Parse + stages.References + stages.Extract + stages.Text + stages.Serialise;
        Console.WriteLine($"{stages.Resources:N0} resources from {bundles.Count} bundles, one core, warm:");
        Row("parse (strict)", stages.Parse, stages.Resources);
        Row("reference walk", stages.References, stages.Resources);
        Row("search parameters", stages.Extract, stages.Resources);
        Row("_text/_content", stages.Text, stages.Resources);
        Row("serialise", stages.Serialise, stages.Resources);
        Row("total", total, stages.Resources);
        Console.WriteLine($"  = {stages.Resources / total.TotalSeconds:N0} resources/s per core before any I/O; "
            + $"{stages.Allocated / stages.Resources / 1024.0:N0} KB allocated per resource");
        return 0;
    }

    private static void Row(string stage, TimeSpan time, int resources) =>
        Console.WriteLine($"  {stage,-18} {time.TotalMicroseconds / resources,8:N1} µs");

    private static Stages Measure(IReadOnlyList<BundleFile> bundles)
    {
        var stages = new Stages();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = new Stopwatch();
        foreach (var file in bundles)
        {
            var resources = new List<Resource>();
            clock.Restart();
            var bundle = (Bundle)FhirFormat.Parse(file.Json, FhirMediaType.Json);
            stages.Parse += clock.Elapsed;
            foreach (var entry in bundle.Entry)
            {
                if (entry.Resource is { } resource)
                {
                    resources.Add(resource);
                }
            }

            clock.Restart();
            var references = 0;
            foreach (var resource in resources)
            {
                foreach (var _ in ReferenceRewriter.References(resource))
                {
                    references++;
                }
            }

            stages.References += clock.Elapsed;

            clock.Restart();
            var entries = 0;
            foreach (var resource in resources)
            {
                entries += IndexExtractor.Extract(resource, SearchParameterCatalog.Instance.For(resource.TypeName)).Tokens.Count;
            }

            stages.Extract += clock.Elapsed;

            clock.Restart();
            foreach (var resource in resources)
            {
                var text = new IndexEntries();
                TextSearch.Extract(resource, text);
                entries += text.Texts.Count;
            }

            stages.Text += clock.Elapsed;

            clock.Restart();
            foreach (var resource in resources)
            {
                _ = FhirFormat.ToJsonBytes(resource);
            }

            stages.Serialise += clock.Elapsed;
            stages.Resources += resources.Count;
            GC.KeepAlive(references + entries);
        }

        stages.Allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return stages;
    }

    private sealed class Stages
    {
        public TimeSpan Parse, References, Extract, Text, Serialise;
        public int Resources;
        public long Allocated;
    }
}
