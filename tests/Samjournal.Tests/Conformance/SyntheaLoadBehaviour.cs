using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Samjournal.Tests.Conformance;

/// <summary>All 202 Synthea bundles load as transactions, and the store then holds exactly the
/// resources they contain, per type (counted from the files, not by the code under test).</summary>
public abstract class SyntheaLoadBehaviour(SamjournalHost host, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_Synthea_bundle_loads_as_a_transaction_and_every_resource_is_stored()
    {
        var folder = TestData.Path("synthea-r4");
        var files = Directory.GetFiles(folder, "*.json.gz");
        Assert.Equal(202, files.Length);
        var shared = files.Where(f => !Path.GetFileName(f).StartsWith("patient-", StringComparison.Ordinal)).ToList();
        var patients = files.Except(shared).ToList();

        var expected = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(Decompress(file));
            foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
            {
                var type = entry.GetProperty("resource").GetProperty("resourceType").GetString()!;
                expected[type] = expected.GetValueOrDefault(type) + 1;
            }
        }

        var watch = Stopwatch.StartNew();
        foreach (var file in shared)
        {
            await PostAsync(file);
        }

        // Four clients at once, as an importer would run.
        await Parallel.ForEachAsync(patients, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (file, _) => await PostAsync(file));
        output.WriteLine($"{host.Backend}: {expected.Values.Sum()} resources in {watch.Elapsed.TotalSeconds:F1} s ({expected.Values.Sum() / watch.Elapsed.TotalSeconds:F0}/s, test build)");

        var stored = await StoreCounts.CurrentByTypeAsync(host);
        foreach (var (type, count) in expected)
        {
            Assert.True(stored.GetValueOrDefault(type) == count, $"{type}: expected {count}, stored {stored.GetValueOrDefault(type)}");
        }
    }

    private async Task PostAsync(string file)
    {
        var body = new ByteArrayContent(Decompress(file));
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/fhir+json");
        var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = body };
        request.Headers.Add("Prefer", "return=minimal");
        var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{Path.GetFileName(file)}: {(int)response.StatusCode} {text[..Math.Min(400, text.Length)]}");
    }

    private static byte[] Decompress(string file)
    {
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        return buffer.ToArray();
    }
}

public sealed class SyntheaOnSqlite(SqliteHost host, ITestOutputHelper output) : SyntheaLoadBehaviour(host, output), IClassFixture<SqliteHost>;

public sealed class SyntheaOnPostgres(PostgresHost host, ITestOutputHelper output) : SyntheaLoadBehaviour(host, output), IClassFixture<PostgresHost>;
