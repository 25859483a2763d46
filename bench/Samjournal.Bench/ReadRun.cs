using System.Diagnostics;
using System.Net;

namespace Samjournal.Bench;

/// <summary>What a read-by-id run measured.</summary>
internal sealed record ReadResult(int Clients, int Requests, TimeSpan Wall, Percentiles Latency, int Failures, string? FirstFailure)
{
    public double RequestsPerSecond => Requests / Wall.TotalSeconds;
}

/// <summary>GET /fhir/{type}/{id} for random ingested ids (fixed seed), after a 2 s warm-up.</summary>
internal static class ReadRun
{
    private const int Seed = 20240611;

    public static async Task<ReadResult> RunAsync(HttpClient http, string baseUrl, IReadOnlyList<(string Type, string Id)> ids, int clients, int requests)
    {
        if (ids.Count == 0)
        {
            throw new InvalidOperationException("No ids to read: the ingest returned no entry.response.location.");
        }

        // Warm-up: the same load for 2 s, not measured.
        using (var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var random = new Random(Seed - 1 - c);
                while (!warmUp.IsCancellationRequested)
                {
                    await ReadOne(http, baseUrl, ids[random.Next(ids.Count)]);
                }
            })));
        }

        var latencies = new double[requests];
        var failures = 0;
        var firstFailure = (string?)null;
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(Seed + c);
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                var (status, error) = await ReadOne(http, baseUrl, ids[random.Next(ids.Count)]);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, error, null);
                }
            }
        })));
        wall.Stop();
        return new ReadResult(clients, requests, wall.Elapsed, Percentiles.Of(latencies), failures, firstFailure);
    }

    private static async Task<(HttpStatusCode, string?)> ReadOne(HttpClient http, string baseUrl, (string Type, string Id) key)
    {
        var url = $"{baseUrl}/fhir/{key.Type}/{key.Id}";
        try
        {
            using var response = await http.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK
                ? (HttpStatusCode.OK, null)
                : (response.StatusCode, $"GET {url}: HTTP {(int)response.StatusCode}: {body[..Math.Min(300, body.Length)]}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return ((HttpStatusCode)0, $"GET {url}: {e.GetType().Name}: {e.Message}");
        }
    }
}
