using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Samjournal.Bench;

/// <summary>What one query measured at one client count.</summary>
internal sealed record QueryResult(string Query, int Clients, int Requests, TimeSpan Wall, Percentiles Latency, int Failures, string? FirstFailure, double EntriesPerResponse)
{
    /// <summary>The run hit the time limit before all requests were sent; <see cref="Requests"/> is what was sent.</summary>
    public bool TimeLimited { get; init; }

    /// <summary>Why the query was not measured: the server answered the first request with a 4xx.</summary>
    public string? NotAvailable { get; init; }

    public double RequestsPerSecond => Requests / Wall.TotalSeconds;

    public static QueryResult Unavailable(string query, int clients, string reason) =>
        new(query, clients, 0, TimeSpan.Zero, Percentiles.Of([]), 0, null, double.NaN) { NotAvailable = reason };
}

/// <summary>
/// Runs one query shape at N concurrent clients: a probe request (a 4xx means the server does not
/// answer this query yet: reported as not available), a 1 s warm-up whose responses are counted
/// (entries per response: a search that finds nothing would flatter the numbers), then the measured
/// requests, stopped early at a time limit (a query that grows slow with the volume would otherwise
/// hold up the run for hours). Values are drawn per request with a fixed seed per client.
/// </summary>
internal static class SearchRun
{
    private const int Seed = 20240611;

    public static async Task<QueryResult> RunAsync(HttpClient http, string baseUrl, SearchQuery query, QueryValues values, int clients, int requests, TimeSpan limit)
    {
        var probe = await GetAsync(http, baseUrl, query, query.Url(new Random(Seed), values));
        if ((int)probe.Status is >= 400 and < 500)
        {
            return QueryResult.Unavailable(query.Name, clients, $"HTTP {(int)probe.Status}: {Diagnostics(probe.Body)}");
        }

        var entries = 0L;
        var responses = 0L;
        using (var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var random = new Random(Seed - 1 - c);
                while (!warmUp.IsCancellationRequested)
                {
                    var response = await GetAsync(http, baseUrl, query, query.Url(random, values));
                    if (response.Status == HttpStatusCode.OK)
                    {
                        Interlocked.Add(ref entries, query.IsReadById ? 1 : EntryCount(response.Body));
                        Interlocked.Increment(ref responses);
                    }
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
            // Time first: every index claimed is then measured, so the first `completed` slots are filled.
            while (wall.Elapsed < limit && (i = Interlocked.Increment(ref next)) < requests)
            {
                var url = query.Url(random, values);
                var started = Stopwatch.GetTimestamp();
                var response = await GetAsync(http, baseUrl, query, url);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.Status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, response.Error ?? $"GET {url}: HTTP {(int)response.Status}: {Diagnostics(response.Body)}", null);
                }
            }
        })));
        wall.Stop();
        var completed = Math.Min(next + 1, requests);
        return new QueryResult(query.Name, clients, completed, wall.Elapsed, Percentiles.Of(latencies.Take(completed)), failures, firstFailure,
            responses > 0 ? (double)entries / responses : double.NaN)
        { TimeLimited = completed < requests };
    }

    private sealed record Response(HttpStatusCode Status, byte[] Body, string? Error);

    private static async Task<Response> GetAsync(HttpClient http, string baseUrl, SearchQuery query, string relativeUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{baseUrl}/fhir/{relativeUrl}");
        request.Headers.Accept.ParseAdd("application/fhir+json");
        if (!query.IsReadById)
        {
            // Strict: a parameter the server does not support yet answers 400 instead of being
            // ignored, which would measure a different (cheaper) query.
            request.Headers.Add("Prefer", "handling=strict");
        }

        try
        {
            using var response = await http.SendAsync(request);
            return new Response(response.StatusCode, await response.Content.ReadAsByteArrayAsync(), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Response(0, [], $"GET {relativeUrl}: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int EntryCount(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("entry", out var entry) ? entry.GetArrayLength() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>The OperationOutcome's first diagnostics (or the body's start), on one line.</summary>
    private static string Diagnostics(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("issue", out var issues) && issues.GetArrayLength() > 0
                && issues[0].TryGetProperty("diagnostics", out var diagnostics))
            {
                text = diagnostics.GetString() ?? text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body's start says enough.
        }

        text = text.ReplaceLineEndings(" ");
        return text[..Math.Min(200, text.Length)];
    }
}
