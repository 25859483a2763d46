using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
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
    IReadOnlyList<string> Failures)
{
    public double ResourcesPerSecond => Resources / Wall.TotalSeconds;

    /// <summary>Resources/s over the last tenth of the bundles: whether ingest slows as the database grows.</summary>
    public double? LastTenthPerSecond { get; init; }
}

/// <summary>What to post: some bundles one by one, then <c>ParallelCount</c> bundles made on demand.</summary>
internal sealed record IngestPlan(IReadOnlyList<BundleFile> Sequential, int ParallelCount, Func<int, (BundleFile Bundle, PatientFacts? Patient)> Parallel)
{
    public int BundleCount => Sequential.Count + ParallelCount;
}

/// <summary>Posts the sequential bundles one by one, then the others with N concurrent clients.</summary>
internal static class IngestRun
{
    public static async Task<IngestResult> RunAsync(HttpClient http, string baseUrl, IngestPlan plan, int clients, LoadedData loaded, string label)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = new ConcurrentQueue<string>();
        var resources = 0;
        var done = 0;
        var lastTenthStart = ((double Seconds, int Resources)?)null;
        var wall = Stopwatch.StartNew();

        async Task Post(BundleFile bundle, PatientFacts? patient)
        {
            using var content = new ByteArrayContent(bundle.Json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/fhir") { Content = content };
            request.Headers.Add("Prefer", "return=minimal");
            // Loading Synthea is a migration of records from another system (no new sign-off work items).
            request.Headers.Add("Samjournal-Purpose", "history-import");
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

            var total = Interlocked.Add(ref resources, bundle.Entries);
            loaded.AddCreated(Locations(body), patient);
            if (Interlocked.Increment(ref done) == (plan.BundleCount * 9 / 10) + 1 && plan.BundleCount >= 20)
            {
                lastTenthStart = (wall.Elapsed.TotalSeconds, total - bundle.Entries);
            }
        }

        using var progress = new CancellationTokenSource();
        var reporter = ReportProgress(label, plan.BundleCount, () => (Volatile.Read(ref done), Volatile.Read(ref resources)), wall, progress.Token);
        foreach (var bundle in plan.Sequential)
        {
            await Post(bundle, null);
        }

        var next = -1;
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < plan.ParallelCount)
            {
                var (bundle, patient) = plan.Parallel(i);
                await Post(bundle, patient);
            }
        }));
        await Task.WhenAll(workers);
        wall.Stop();
        await progress.CancelAsync();
        await reporter;

        return new IngestResult(resources, plan.BundleCount, wall.Elapsed, Percentiles.Of(latencies), [.. failures])
        {
            LastTenthPerSecond = lastTenthStart is { } start && wall.Elapsed.TotalSeconds > start.Seconds
                ? (resources - start.Resources) / (wall.Elapsed.TotalSeconds - start.Seconds)
                : null,
        };
    }

    /// <summary>A line every 30 s, so a long (100x) ingest shows its rate and how long it still needs.</summary>
    private static async Task ReportProgress(string label, int bundles, Func<(int Done, int Resources)> state, Stopwatch wall, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var (done, resources) = state();
                var seconds = wall.Elapsed.TotalSeconds;
                var remaining = done > 0 ? TimeSpan.FromSeconds((bundles - done) * seconds / done) : TimeSpan.Zero;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label} {done:N0}/{bundles:N0} bundles, {resources:N0} resources, {resources / seconds:N0}/s, about {remaining:h\\:mm\\:ss} to go"));
            }
        }
        catch (OperationCanceledException)
        {
            // The ingest finished.
        }
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
