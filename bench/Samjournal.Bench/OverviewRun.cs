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
            bytes = (await RenderAsync(browser, url)).Length;
        }

        var millis = new List<double>(renders);
        for (var i = 0; i < renders; i++)
        {
            var watch = Stopwatch.StartNew();
            await RenderAsync(browser, url);
            millis.Add(watch.Elapsed.TotalMilliseconds);
        }

        var p = Percentiles.Of(millis);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"Patient overview (web app, {renders} renders after 20 warm-up, 1 client, as {StaffAccess.Username}) of the patient with the most observations ({observations:N0}): p50 {p.P50:N1} ms, p95 {p.P95:N1} ms, p99 {p.P99:N1} ms, max {p.Max:N1} ms; {bytes / 1024.0:N0} KiB of HTML.");
        Console.Error.WriteLine($"[{name}] {line}");
        return line;
    }

    private static async Task<string> RenderAsync(HttpClient browser, string url)
    {
        using var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains("patient-banner", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The overview did not render ({(int)response.StatusCode}): {html[..Math.Min(300, html.Length)]}");
        }

        return html;
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
