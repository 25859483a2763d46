using System.Globalization;
using System.Text;

namespace Samjournal.Bench;

/// <summary>The search table of one backend: every query at every measured volume, with its targets.</summary>
internal static class SearchReport
{
    private static string N(double value, string format = "N0") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Ms(double value) => N(value, value < 10 ? "0.00" : value < 100 ? "0.0" : "N0");

    public static string Table(BackendResult r)
    {
        var sb = new StringBuilder();
        var scaled = r.Scaled;
        sb.AppendLine(CultureInfo.InvariantCulture, $"#### Search, {r.Backend}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Volumes: {string.Join(", ", r.Volumes.Select(v => $"{v.Label} = {N(v.Resources)} resources"))}. Each query: a probe, 1 s warm-up, then the measured requests; ids, names and codes drawn at random per request from the loaded data. Targets at {SearchTargets.TargetClients} clients.");
        sb.AppendLine();
        sb.AppendLine("| Query | Volume | Entries per response | 1 client: req/s | p50 / p95 / p99 ms | 10 clients: req/s | p50 / p95 / p99 ms | Target (10 clients) | Met | p99 target | Met | Large vs 1x: p50 / p99 (target ≤ 2x) |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var query in SearchQueries.All)
        {
            foreach (var volume in r.Volumes)
            {
                var one = volume.Find(query.Name, 1);
                var ten = volume.Find(query.Name, SearchTargets.TargetClients);
                var unavailable = one?.NotAvailable ?? ten?.NotAvailable;
                if (unavailable is not null)
                {
                    sb.AppendLine(CultureInfo.InvariantCulture,
                        $"| {Code(query.Name)} | {volume.Label} | | not available: {Cell(unavailable)} | | | | {SearchTargets.Throughput(query)} | n/a | {SearchTargets.CompartmentLatency(query)} | {(query.PatientCompartment ? "n/a" : "")} | |");
                    continue;
                }

                var versus = volume == scaled ? SearchTargets.VolumeMet(r.Base.Find(query.Name, SearchTargets.TargetClients), ten) : "";
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {Code(query.Name)} | {volume.Label} | {N(ten?.EntriesPerResponse ?? one?.EntriesPerResponse ?? double.NaN, "N1")} | {Rate(one)} | {Latency(one)} | {Rate(ten)} | {Latency(ten)} | {SearchTargets.Throughput(query)} | {SearchTargets.ThroughputMet(query, ten)} | {SearchTargets.CompartmentLatency(query)} | {SearchTargets.CompartmentLatencyMet(query, ten)} | {versus} |");
            }
        }

        var failed = r.Volumes.SelectMany(v => v.Queries.Select(q => (v, q))).Where(x => x.q.Failures > 0).ToList();
        if (failed.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Failed requests: " + string.Join("; ", failed.Select(x => $"{x.q.Query} at {x.v.Label}, {x.q.Clients} client(s): {x.q.Failures} of {N(x.q.Requests)}")) + ".");
        }

        var limited = r.Volumes.SelectMany(v => v.Queries.Select(q => (v, q))).Where(x => x.q.TimeLimited).ToList();
        if (limited.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Stopped at the time limit (--query-seconds), fewer requests measured: " +
                string.Join("; ", limited.Select(x => $"{x.q.Query} at {x.v.Label}, {x.q.Clients} client(s): {N(x.q.Requests)} requests")) + ".");
        }

        return sb.ToString();
    }

    private static string Rate(QueryResult? result) => result is null ? "n/a" : $"{N(result.RequestsPerSecond)}";

    private static string Latency(QueryResult? result) =>
        result is null ? "n/a" : $"{Ms(result.Latency.P50)} / {Ms(result.Latency.P95)} / {Ms(result.Latency.P99)}";

    private static string Cell(string text) => text.Replace('|', '/').Replace('`', '\'');

    /// <summary>A query name as code in a Markdown table cell: a bare | would end the cell.</summary>
    public static string Code(string name) => $"`{name.Replace("|", "\\|", StringComparison.Ordinal)}`";
}
