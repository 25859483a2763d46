using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Samjournal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Samjournal.Tests.Conformance;

/// <summary>All 202 Synthea bundles load as transactions, and the store then holds exactly the
/// resources they contain, per type (counted from the files, not by the code under test).</summary>
public abstract partial class SyntheaLoadBehaviour(SamjournalHost host, ITestOutputHelper output)
{
    // The facts of a class share one host; whichever runs first loads the bundles, once.
    private static readonly ConditionalWeakTable<SamjournalHost, Task> Loads = [];

    [Fact]
    public async Task Every_Synthea_bundle_loads_as_a_transaction_and_every_resource_is_stored()
    {
        var corpus = SyntheaCorpus.Instance;
        Assert.Equal(202, corpus.SharedFiles.Count + corpus.PatientFiles.Count);
        await LoadOnceAsync();

        var stored = await StoreCounts.CurrentByTypeAsync(host);
        foreach (var (type, count) in corpus.CountsByType)
        {
            Assert.True(stored.GetValueOrDefault(type) == count, $"{type}: expected {count}, stored {stored.GetValueOrDefault(type)}");
        }
    }

    private Task LoadOnceAsync()
    {
        lock (Loads)
        {
            return Loads.GetValue(host, _ => LoadAsync());
        }
    }

    private async Task LoadAsync()
    {
        var corpus = SyntheaCorpus.Instance;
        var watch = Stopwatch.StartNew();
        foreach (var file in corpus.SharedFiles)
        {
            await PostAsync(file);
        }

        // Four clients at once, as an importer would run.
        await Parallel.ForEachAsync(corpus.PatientFiles, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (file, _) => await PostAsync(file));
        var total = corpus.CountsByType.Values.Sum();
        output.WriteLine($"{host.Backend}: {total} resources in {watch.Elapsed.TotalSeconds:F1} s ({total / watch.Elapsed.TotalSeconds:F0}/s, test build)");
    }

    private async Task PostAsync(string file)
    {
        var body = new ByteArrayContent(SyntheaCorpus.Decompress(file));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/fhir+json");
        var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = body };
        request.Headers.Add("Prefer", "return=minimal");
        // A migration of records from another system: their results were signed there.
        request.Headers.Add("Samjournal-Purpose", "history-import");
        var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {text[..Math.Min(400, text.Length)]}");
    }
}

public sealed class SyntheaOnSqlite(SqliteHost host, ITestOutputHelper output) : SyntheaLoadBehaviour(host, output), IClassFixture<SqliteHost>;

public sealed class SyntheaOnPostgres(PostgresHost host, ITestOutputHelper output) : SyntheaLoadBehaviour(host, output), IClassFixture<PostgresHost>;
