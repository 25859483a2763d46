using System.Globalization;
using System.Text;

namespace Samjournal.Bench;

/// <summary>Markdown tables for stdout and the results section of docs/benchmarks.md.</summary>
internal static class Report
{
    public const string StartMarker = "<!-- bench:start -->";
    public const string EndMarker = "<!-- bench:end -->";

    private static string N(double value, string format = "N0") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ms(double value) => SearchReport.Ms(value);

    private static string Mb(long bytes) => N(bytes / 1024.0 / 1024.0, "N1");

    public static string Backend(BackendResult r)
    {
        var i = r.Ingest;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {r.Backend}");
        sb.AppendLine();
        if (r.Settings.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Settings: {r.Settings}");
            sb.AppendLine();
        }

        sb.AppendLine("| Measure | Value |");
        sb.AppendLine("|---|---:|");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Resources ingested | {N(i.Resources)} in {N(i.Bundles)} bundles |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Ingest wall time | {N(i.Wall.TotalSeconds, "N1")} s |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| **Ingest throughput** (cold server, first pass) | **{N(i.ResourcesPerSecond)} resources/s** |");
        if (r.WarmIngest is { } w)
        {
            var what = r.Scaled is { } big ? $"clones of the patients up to {big.Label}, {N(w.Resources)} resources" : "one clone of the patients";
            var lastTenth = w.LastTenthPerSecond is { } tail ? $"; last tenth of the bundles {N(tail)} resources/s" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| **Ingest throughput** (warm server: {what}; new ids, names, identifiers) | **{N(w.ResourcesPerSecond)} resources/s**{lastTenth}; bundle p50 / p99 {Ms(w.BundleLatency.P50)} / {Ms(w.BundleLatency.P99)} ms; {w.Failures.Count} failures |");
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"| Bundle latency p50 / p95 / p99 / max | {Ms(i.BundleLatency.P50)} / {Ms(i.BundleLatency.P95)} / {Ms(i.BundleLatency.P99)} / {Ms(i.BundleLatency.Max)} ms |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Ingest failures | {i.Failures.Count} |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Server peak RSS during ingest (100 ms samples) | {N(r.PeakRssMb)} MB |");
        sb.AppendLine(CultureInfo.InvariantCulture, $"| Server VmHWM after ingest | {N(r.HwmMb)} MB |");
        foreach (var volume in r.Volumes.Where(v => v.Storage is not null))
        {
            var s = volume.Storage!;
            var at = r.Volumes.Count > 1 ? $", {volume.Label} ({N(volume.Resources)} resources)" : "";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| Database size{at} | {Mb(s.DatabaseBytes)} MB |");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| Bytes per resource{at} | {N(volume.Resources > 0 ? (double)s.DatabaseBytes / volume.Resources : double.NaN)} B |");
            var indexText = s.IndexBytes is { } idx ? $"{Mb(idx)} MB ({N(s.IndexShare!.Value * 100, "N0")} % of the database)" : "n/a (no per-table sizes)";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| Search-index tables (idx_*, with their indexes){at} | {indexText} |");
        }

        foreach (var read in r.Reads.Where(x => x.NotAvailable is null))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| **Read by id, {read.Clients} client{(read.Clients == 1 ? "" : "s")}** | **{N(read.RequestsPerSecond)} req/s**; p50 {Ms(read.Latency.P50)} / p95 {Ms(read.Latency.P95)} / p99 {Ms(read.Latency.P99)} ms ({N(read.Requests)} requests, {read.Failures} failed) |");
        }

        foreach (var volume in r.Volumes.Where(v => v.Storage is not null))
        {
            var storage = volume.Storage!;
            sb.AppendLine();
            var at = r.Volumes.Count > 1 ? $" at {volume.Label}" : "";
            var byTable = string.Join(", ", storage.Tables.Where(t => t.Bytes >= 64 * 1024).Select(t => $"{t.Table} {Mb(t.Bytes)} MB"));
            sb.AppendLine(byTable.Length > 0 ? $"Storage by table{at} ({storage.Detail}): {byTable}." : $"Storage{at}: {storage.Detail}.");
        }

        sb.AppendLine();
        sb.Append(SearchReport.Table(r));

        foreach (var note in r.Notes)
        {
            sb.AppendLine();
            sb.AppendLine(note);
        }

        return sb.ToString();
    }

    public static string Summary(IReadOnlyList<BackendResult> results)
    {
        var sb = new StringBuilder();
        var postgres = results.FirstOrDefault(r => r.Backend == "PostgreSQL");
        sb.AppendLine("| | " + string.Join(" | ", results.Select(r => r.Backend)) + " | Target | Met (PostgreSQL) | Peer FHIR server |");
        sb.AppendLine("|---|" + string.Concat(results.Select(_ => "---:|")) + "---:|---|---:|");
        void Row(string name, Func<BackendResult, string> value, string target, string met, string peer) =>
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", results.Select(value))} | {target} | {(postgres is null ? "" : met)} | {peer} |");
        var ingestTarget = $"{N(SearchTargets.IngestPerSecond)} (PostgreSQL)";
        Row("Ingest, resources/s (cold)", r => N(r.Ingest.ResourcesPerSecond), ingestTarget, SearchTargets.IngestMet(postgres?.Ingest), "~150");
        Row("Ingest, resources/s (warm)", r => r.WarmIngest is { } w ? N(w.ResourcesPerSecond) : "n/a", ingestTarget, SearchTargets.IngestMet(postgres?.WarmIngest), "");
        Row("Ingest bundle p99, ms", r => Ms(r.Ingest.BundleLatency.P99), "", "", "");
        Row("Peak server RSS, MB", r => N(Math.Max(r.PeakRssMb, r.HwmMb)), "", "", "");
        foreach (var label in results.SelectMany(r => r.Volumes).Where(v => v.Storage is not null).Select(v => v.Label).Distinct())
        {
            VolumeResult? At(BackendResult r) => r.Volumes.FirstOrDefault(v => v.Label == label && v.Storage is not null);
            Row($"Database at {label}, MB", r => At(r)?.Storage is { } s ? Mb(s.DatabaseBytes) : "n/a", "", "", "");
            Row($"Bytes per resource at {label}", r => At(r) is { Storage: { } s } v && v.Resources > 0 ? N((double)s.DatabaseBytes / v.Resources) : "n/a", "", "", "");
            Row($"Index tables' share at {label}", r => At(r)?.Storage?.IndexShare is { } share ? N(share * 100) + " %" : "n/a", "", "", "");
        }

        foreach (var clients in results.SelectMany(r => r.Reads).Select(x => x.Clients).Distinct())
        {
            QueryResult? Read(BackendResult r) => r.Reads.FirstOrDefault(x => x.Clients == clients);
            var c = clients == 1 ? "1 client" : $"{clients} clients";
            Row($"Read by id, {c}, req/s", r => Read(r) is { } x ? N(x.RequestsPerSecond) : "n/a", "", "", "~1,100");
            Row($"Read by id, {c}, p50 / p99 ms", r => Read(r) is { } x ? $"{Ms(x.Latency.P50)} / {Ms(x.Latency.P99)}" : "n/a",
                clients == 10 ? "p99 < 5" : "", clients == 10 && postgres is not null && Read(postgres) is { } p ? SearchTargets.Verdict(p.Latency.P99 < 5) : "", "p50 8");
        }

        // The searches at 10 clients, each volume: req/s and p99; the full tables follow per backend.
        foreach (var label in results.SelectMany(r => r.Volumes).Select(v => v.Label).Distinct())
        {
            foreach (var query in SearchQueries.All.Where(q => !q.IsReadById))
            {
                QueryResult? At(BackendResult r) => r.Volumes.FirstOrDefault(v => v.Label == label)?.Find(query.Name, SearchTargets.TargetClients);
                var scaled = label != "1x";
                var target = SearchTargets.Throughput(query) + (query.PatientCompartment ? $", {SearchTargets.CompartmentLatency(query)}" : "")
                    + (scaled ? ", p50 / p99 ≤ 2x 1x" : "");
                var met = postgres is null ? "" : SearchTargets.ThroughputMet(query, At(postgres))
                    + (query.PatientCompartment ? "; " + SearchTargets.CompartmentLatencyMet(query, At(postgres)) : "")
                    + (scaled ? "; " + SearchTargets.VolumeMet(postgres.Base.Find(query.Name, SearchTargets.TargetClients), At(postgres)) : "");
                Row($"{SearchReport.Code(query.Name)} at {label}, 10 clients: req/s, p99 ms", r => At(r) switch
                {
                    null => "n/a",
                    { NotAvailable: not null } => "not available",
                    var x => $"{N(x.RequestsPerSecond)}, {Ms(x.Latency.P99)}",
                }, target, met, "");
            }
        }

        return sb.ToString();
    }

    public static string Section(IReadOnlyList<BackendResult> results, string command, string postgresSettings)
    {
        var sb = new StringBuilder();
        sb.AppendLine(StartMarker);
        sb.AppendLine("<!-- Generated by bench/Samjournal.Bench with --write-doc; edits between the markers are overwritten. -->");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Results of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores (nproc), {MachineInfo.CpuModel()}, {MachineInfo.MemoryGb()} RAM; client and server share the machine");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Runtime: .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`");
        sb.AppendLine("- Build: Release (server started from src/Samjournal.Server/bin/Release/net10.0), Seed:Demo false, Fhir:WarmUpValidator false, log level Warning");
        sb.AppendLine(CultureInfo.InvariantCulture, $"- Commit: {GitCommit()}");
        if (postgresSettings.Length > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- PostgreSQL: {postgresSettings}");
        }

        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine("$ free -g");
        sb.AppendLine(MachineInfo.FreeG());
        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("### Summary");
        sb.AppendLine();
        sb.Append(Summary(results));
        foreach (var r in results)
        {
            sb.AppendLine();
            sb.Append(Backend(r));
        }

        sb.AppendLine();
        sb.AppendLine(EndMarker);
        return sb.ToString();
    }

    public static void WriteDoc(string path, string section)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : Intro;
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.TrimEnd('\n') + text[(end + EndMarker.Length)..]
            : text.TrimEnd('\n') + "\n\n" + section;
        File.WriteAllText(path, text.TrimEnd('\n') + "\n");
    }

    private static string GitCommit()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", "rev-parse --short HEAD")
            {
                WorkingDirectory = RepoPaths.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var sha = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return sha.Length > 0 ? $"{sha} (the server's working tree may have had uncommitted changes)" : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private const string Intro = """
        # Benchmarks

        How fast Samjournal ingests and serves FHIR R4 data, measured end to end over HTTP by
        `bench/Samjournal.Bench` (see bench/README.md). The data are the 202 Synthea transaction
        bundles in `$SAMJOURNAL_TEST_DATA/synthea-r4` (64,557 resources): the hospital and practitioner
        bundles first, one at a time, then the 200 patient bundles with 4 concurrent clients.
        Bundles are read and decompressed into memory before the clock starts; each is POSTed to
        `/fhir` with `Prefer: return=minimal`. The server runs as a child process on a fresh database.
        Then eight queries (read by id, `Patient?family=`, `Patient?identifier=`, `Observation?patient=`,
        `Observation?code=`, `Encounter?patient=&_sort=-date`, `Condition?patient=&_include=...`,
        `Patient/{id}/$everything`) at 1 and 10 clients, values drawn per request from the loaded data;
        with `--volume N`, again after loading clones of the patients up to N times the volume.

        PostgreSQL runs in its own cluster (port 5434, socket /tmp/samjournal-bench-pg) with
        **fsync on** (and synchronous_commit, full_page_writes on): production-like durability,
        unlike the test cluster on 5433 which runs with fsync off.

        ## Targets

        | | Target | Peer FHIR server, measured here |
        |---|---:|---:|
        | Ingest on PostgreSQL | 6,000 resources/s | ~150 resources/s |
        | Read by id, 10 clients | p99 < 5 ms | ~1,100 req/s, p50 8 ms |
        | Each search, 10 clients | 5x the peer's req/s | 180–1,200 req/s |
        | Patient-compartment searches, 10 clients | p99 < 20 ms | |
        | Searches at 100x the volume | p50, p99 ≤ 2x those at 1x | |

        Run it again with:

        ```
        dotnet build -c Release src/Samjournal.Server
        dotnet run -c Release --project bench/Samjournal.Bench -- --backend both --volume 100 --write-doc
        ```

        """;
}
