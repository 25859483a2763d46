using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Samjournal.Bench;

/// <summary>
/// <c>--overview N</c>: server render time of the web app's patient overview (<c>/patients/{id}</c>)
/// for the loaded patient with the most observations, signed in through the web sign-in as the ward
/// doctor with a care relation to the patient: the whole page, every section loaded through the
/// access policy and audited, measured from request to the last byte, one client, after a warm-up.
/// </summary>
internal static class OverviewRun
{
    public static async Task<string> RunAsync(HttpClient system, string baseUrl, string name, IReadOnlyList<string> patientIds, int renders, bool prepareStaff)
    {
        var (patient, observations) = await LargestAsync(system, baseUrl, patientIds);
        if (prepareStaff)
        {
            await StaffAccess.PrepareAsync(system, baseUrl, [patient]);
        }

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(2) };
        using (var signIn = await browser.PostAsync($"{baseUrl}/auth/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = StaffAccess.Username,
            ["password"] = "demo",
            ["returnUrl"] = "/",
        })))
        {
            if (signIn.StatusCode != HttpStatusCode.Redirect || signIn.Headers.Location?.ToString().Contains("error", StringComparison.Ordinal) == true)
            {
                throw new InvalidOperationException($"Web sign-in as {StaffAccess.Username} failed: {(int)signIn.StatusCode} {signIn.Headers.Location}.");
            }
        }

        var url = $"{baseUrl}/patients/{patient}";
        long bytes = 0;
        for (var i = 0; i < Math.Min(20, renders); i++)
        {
            bytes = (await RenderAsync(browser, url, null)).Length;
        }

        var millis = new List<double>(renders);
        var firstPaints = new List<double>(renders);
        for (var i = 0; i < renders; i++)
        {
            var watch = Stopwatch.StartNew();
            var (_, firstPaint) = await RenderAsync(browser, url, watch);
            millis.Add(watch.Elapsed.TotalMilliseconds);
            firstPaints.Add(firstPaint);
        }

        var p = Percentiles.Of(millis);
        var f = Percentiles.Of(firstPaints);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"Patient overview (web app, {renders} renders after 20 warm-up, 1 client, as {StaffAccess.Username}) of the patient with the most observations ({observations:N0}): whole page p50 {p.P50:N1} ms, p95 {p.P95:N1} ms, p99 {p.P99:N1} ms, max {p.Max:N1} ms; first paint (banner and CAVE received) p50 {f.P50:N1} ms, p95 {f.P95:N1} ms, p99 {f.P99:N1} ms; {bytes / 1024.0:N0} KiB of HTML.");
        Console.Error.WriteLine($"[{name}] {line}");
        return line;
    }

    /// <summary>Reads the streamed page as it arrives: its length, and the milliseconds on
    /// <paramref name="watch"/> when the banner had arrived (the first paint).</summary>
    private static async Task<(int Length, double FirstPaint)> RenderAsync(HttpClient browser, string url, Stopwatch? watch)
    {
        using var response = await browser.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var html = new System.Text.StringBuilder();
        var buffer = new char[8192];
        double? bannerAt = null;
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            html.Append(buffer, 0, read);
            if (bannerAt is null && watch is not null && html.ToString().Contains("patient-banner", StringComparison.Ordinal))
            {
                bannerAt = watch.Elapsed.TotalMilliseconds;
            }
        }

        var page = html.ToString();
        if (response.StatusCode != HttpStatusCode.OK || !page.Contains("patient-banner", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The overview did not render ({(int)response.StatusCode}): {page[..Math.Min(300, page.Length)]}");
        }

        return (page.Length, bannerAt ?? watch?.Elapsed.TotalMilliseconds ?? 0);
    }

    /// <summary>The patient with the most observations, counted by the server (<c>_summary=count</c>).</summary>
    private static async Task<(string Patient, long Observations)> LargestAsync(HttpClient system, string baseUrl, IReadOnlyList<string> patientIds)
    {
        var best = ("", -1L);
        foreach (var id in patientIds)
        {
            using var response = await system.GetAsync($"{baseUrl}/fhir/Observation?subject=Patient/{id}&_summary=count&_total=accurate");
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var total = body.RootElement.TryGetProperty("total", out var t) ? t.GetInt64() : 0;
            if (total > best.Item2)
            {
                best = (id, total);
            }
        }

        return best;
    }
}
