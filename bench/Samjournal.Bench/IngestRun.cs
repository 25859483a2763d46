using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Samjournal.Bench;

/// <summary>What an ingest produced.</summary>
internal sealed record IngestResult(
    int Resources,
    int Bundles,
    TimeSpan Wall,
    Percentiles BundleLatency,
    IReadOnlyList<string> Failures,
    IReadOnlyList<(string Type, string Id)> Created)
{
    public double ResourcesPerSecond => Resources / Wall.TotalSeconds;
}

/// <summary>Posts the shared bundles one by one, then the patient bundles with N concurrent clients.</summary>
internal static class IngestRun
{
    public static async Task<IngestResult> RunAsync(HttpClient http, string baseUrl, DataSet data, int clients)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentQueue<string>();
        var created = new ConcurrentQueue<(string, string)>();
        var resources = 0;

        async Task Post(BundleFile bundle)
        {
            using var content = new ByteArrayContent(bundle.Json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/fhir") { Content = content };
            request.Headers.Add("Prefer", "return=minimal");
            request.Headers.Accept.ParseAdd("application/fhir+json");
            var started = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            byte[] body;
            try
            {
                using var response = await http.SendAsync(request);
                status = response.StatusCode;
                body = await response.Content.ReadAsByteArrayAsync();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failures.Enqueue($"{bundle.Name}: {e.GetType().Name}: {e.Message}");
                return;
            }

            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (status != HttpStatusCode.OK)
            {
                var text = Encoding.UTF8.GetString(body);
                failures.Enqueue($"{bundle.Name}: HTTP {(int)status}: {text[..Math.Min(300, text.Length)]}");
                return;
            }

            Interlocked.Add(ref resources, bundle.Entries);
            foreach (var location in Locations(body))
            {
                created.Enqueue(location);
            }
        }

        var wall = Stopwatch.StartNew();
        foreach (var bundle in data.Shared)
        {
            await Post(bundle);
        }

        var next = -1;
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < data.Patients.Count)
            {
                await Post(data.Patients[i]);
            }
        }));
        await Task.WhenAll(workers);
        wall.Stop();

        return new IngestResult(resources, data.BundleCount, wall.Elapsed, Percentiles.Of(latencies), [.. failures], [.. created]);
    }

    /// <summary>(type, id) from entry.response.location ("Type/id/_history/1", possibly absolute).</summary>
    private static List<(string, string)> Locations(byte[] body)
    {
        var result = new List<(string, string)>();
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("entry", out var entries))
        {
            return result;
        }

        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.TryGetProperty("response", out var response)
                && response.TryGetProperty("location", out var location)
                && location.GetString() is { } text)
            {
                var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
                var history = Array.IndexOf(parts, "_history");
                var end = history >= 2 ? history : parts.Length;
                if (end >= 2)
                {
                    result.Add((parts[end - 2], parts[end - 1]));
                }
            }
        }

        return result;
    }
}
