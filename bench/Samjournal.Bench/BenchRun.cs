using System.Globalization;
using System.Net;

namespace Samjournal.Bench;

/// <summary>Runs the benchmark for each requested backend and reports.</summary>
internal static class BenchRun
{
    private static readonly int[] ReadClients = [1, 10];

    public static async Task<int> RunAsync(Options options, string[] args)
    {
        var dataDir = RepoPaths.SyntheaDirectory();
        Console.Error.WriteLine($"Loading bundles from {dataDir} into memory...");
        var data = DataSet.Load(dataDir, options.Patients);
        Console.Error.WriteLine($"{data.BundleCount} bundles, {data.TotalEntries:N0} entries, {data.Shared.Sum(b => b.Json.Length) + data.Patients.Sum(b => b.Json.Length):N0} bytes of JSON.");
        if (options.Stages)
        {
            return StageProfile.Run(data);
        }

        var work = Workload.Create(data);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        { Timeout = TimeSpan.FromMinutes(10) };

        var results = new List<BackendResult>();
        var postgresSettings = "";
        if (options.ServerUrl is not null)
        {
            await BenchToken.AuthorizeAsync(http, options.ServerUrl);
            results.Add(await MeasureAsync(http, options.ServerUrl, "External server", "", work, options.Volume, options, null, null));
        }
        else
        {
            var executable = RepoPaths.ServerExecutable(options.ServerPath);
            var workDir = Directory.CreateTempSubdirectory("samjournal-bench-").FullName;
            Console.Error.WriteLine($"Server: {executable}; work directory {workDir}");
            foreach (var backend in options.Backends)
            {
                if (backend == "sqlite")
                {
                    var dbPath = Path.Combine(workDir, "bench.db");
                    await using var server = await ServerProcess.StartAsync(executable, "Sqlite", $"Data Source={dbPath}", workDir, http);
                    results.Add(await MeasureAsync(http, server.BaseUrl, "SQLite", "", work, options.VolumeFor(backend), options, server,
                        () => StorageProbe.SqliteAsync(dbPath)));
                }
                else
                {
                    var cluster = await PostgresCluster.StartAsync(options.PostgresConnection);
                    postgresSettings = cluster.Description;
                    var dbName = $"samjournal_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
                    try
                    {
                        var connection = await cluster.CreateDatabaseAsync(dbName);
                        await using (var server = await ServerProcess.StartAsync(executable, "Postgres", connection, workDir, http))
                        {
                            results.Add(await MeasureAsync(http, server.BaseUrl, "PostgreSQL", cluster.Description, work, options.VolumeFor(backend), options, server,
                                async () =>
                                {
                                    await StorageProbe.SettlePostgresAsync(connection);
                                    return await StorageProbe.PostgresAsync(connection);
                                }));
                        }

                        if (options.KeepPostgres)
                        {
                            Console.Error.WriteLine($"Kept database {dbName} (--keep-postgres) for EXPLAIN and the like.");
                        }
                        else
                        {
                            await cluster.DropDatabaseAsync(dbName);
                        }
                    }
                    finally
                    {
                        if (!options.KeepPostgres)
                        {
                            cluster.Stop();
                        }
                    }
                }
            }
        }

        Console.WriteLine();
        if (results.Count > 1)
        {
            Console.WriteLine(Report.Summary(results));
        }

        foreach (var result in results)
        {
            Console.WriteLine(Report.Backend(result));
        }

        if (options.WriteDoc)
        {
            var command = "dotnet run -c Release --project bench/Samjournal.Bench --" + (args.Length > 0 ? " " + string.Join(' ', args) : "");
            var path = Path.Combine(RepoPaths.Root, "docs", "benchmarks.md");
            Report.WriteDoc(path, Report.Section(results, command, postgresSettings));
            Console.Error.WriteLine($"Wrote {path}");
        }

        // A query the server answers with a 4xx is "not available" (a feature still being built), not a failure.
        return results.Any(r => r.Ingest.Failures.Count > 0 || r.WarmIngest?.Failures.Count > 0
            || r.Volumes.Any(v => v.Queries.Any(q => q.Failures > 0))) ? 1 : 0;
    }

    private static async Task<BackendResult> MeasureAsync(
        HttpClient http, string baseUrl, string name, string settings, Workload work, int volume, Options options,
        ServerProcess? server, Func<Task<StorageResult>>? storage)
    {
        var notes = new List<string>();
        var data = work.Data;
        var loaded = new LoadedData { ObservationCodes = work.ObservationCodes };
        Console.Error.WriteLine($"[{name}] ingest: {data.BundleCount} bundles, {options.Clients} clients...");
        var sampler = server is null ? null : new RssSampler(server.Pid);
        var cpu = server is null ? null : new CpuMeter(server.Pid);
        var original = new IngestPlan(data.Shared, data.Patients.Count, i => (data.Patients[i], work.Templates[i].Facts(0)));
        var ingest = await IngestRun.RunAsync(http, baseUrl, original, options.Clients, loaded, $"[{name}] 1x:");
        var peak = sampler is null ? double.NaN : await sampler.StopAsync();
        if (sampler is not null)
        {
            await sampler.DisposeAsync();
        }

        var hwm = server?.ProcStatusMb("VmHWM") ?? double.NaN;
        if (cpu is not null)
        {
            notes.Add($"CPU during ingest ({Environment.ProcessorCount} cores = 100 %): {cpu.Describe()}.");
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{name}] ingested {ingest.Resources:N0} resources in {ingest.Wall.TotalSeconds:N1} s = {ingest.ResourcesPerSecond:N0}/s; {ingest.Failures.Count} failures"));
        ReportFailures(notes, "Ingest", ingest);

        if (server is null)
        {
            notes.Add("External server (--server-url): memory and storage not measured.");
        }

        var storageResult = storage is null ? null : await storage();
        if (options.AsStaff)
        {
            Console.Error.WriteLine($"[{name}] --as-staff: a care team of the ward on every patient; queries as {StaffAccess.Username}");
            await StaffAccess.PrepareAsync(http, baseUrl, loaded.Snapshot().PatientIds);
            await BenchToken.AuthorizeAsUserAsync(http, baseUrl, StaffAccess.Username);
            notes.Add($"Queries ran as staff user {StaffAccess.Username} (--as-staff): access policy in SQL and per-patient audit bases.");
        }

        var volumes = new List<VolumeResult>
        {
            new(1, ingest.Resources, storageResult, await QueriesAsync(http, baseUrl, name, "1x", loaded.Snapshot(), options, server, notes)),
        };
        if (options.AsStaff)
        {
            await BenchToken.AuthorizeAsync(http, baseUrl);
        }

        if (options.OverviewRenders > 0)
        {
            notes.Add(await OverviewRun.RunAsync(http, baseUrl, name, loaded.Snapshot().PatientIds, options.OverviewRenders, prepareStaff: !options.AsStaff));
        }

        // Half of the first pass is the JIT compiling Firely's and our code (measured: ~2,000/s
        // cold against ~3,600/s warm on PostgreSQL), so the clones show the steady state. At 1x one
        // clone is loaded after the measurements only for that figure.
        var clones = Math.Max(volume - 1, 1);
        var patients = data.Patients.Count;
        Console.Error.WriteLine($"[{name}] warm ingest: {clones} clone(s) of the {patients} patient bundles (new ids, names, identifiers)...");
        var warmCpu = server is null ? null : new CpuMeter(server.Pid);
        var clonePlan = new IngestPlan([], clones * patients, i => (work.Templates[i % patients].Clone(1 + (i / patients)), work.Templates[i % patients].Facts(1 + (i / patients))));
        var warm = await IngestRun.RunAsync(http, baseUrl, clonePlan, options.Clients, loaded, $"[{name}] {volume}x:");
        if (warmCpu is not null)
        {
            notes.Add($"CPU during the warm ingest: {warmCpu.Describe()}.");
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{name}] warm: {warm.Resources:N0} resources in {warm.Wall.TotalSeconds:N1} s = {warm.ResourcesPerSecond:N0}/s; {warm.Failures.Count} failures"));
        ReportFailures(notes, "Warm ingest", warm);
        if (volume > 1)
        {
            var scaledStorage = storage is null ? null : await storage();
            volumes.Add(new VolumeResult(volume, ingest.Resources + warm.Resources, scaledStorage,
                await QueriesAsync(http, baseUrl, name, $"{volume}x", loaded.Snapshot(), options, server, notes)));
        }

        if (server is not null)
        {
            var logTail = ServerProcess.Tail(server.LogPath, 5);
            if (logTail.Length > 0)
            {
                Console.Error.WriteLine($"[{name}] server log ({server.LogPath}), last lines:\n{logTail}");
            }
        }

        return new BackendResult(name, settings, ingest, peak, hwm, storageResult, volumes, notes) { WarmIngest = warm };
    }

    /// <summary>Every query at 1 and at 10 clients, client count by client count.</summary>
    private static async Task<List<QueryResult>> QueriesAsync(
        HttpClient http, string baseUrl, string name, string volume, QueryValues values, Options options, ServerProcess? server, List<string> notes)
    {
        var results = new List<QueryResult>();
        foreach (var clients in ReadClients)
        {
            var cpu = server is null ? null : new CpuMeter(server.Pid);
            foreach (var query in SearchQueries.All)
            {
                var requests = query.IsReadById ? options.Reads : options.Searches;
                Console.Error.Write($"[{name}] {volume} {query.Name}, {clients} client(s), {requests:N0} requests: ");
                var result = await SearchRun.RunAsync(http, baseUrl, query, values, clients, requests, TimeSpan.FromSeconds(options.QuerySeconds));
                Console.Error.WriteLine(result.NotAvailable is { } reason
                    ? $"not available ({reason})"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"{result.RequestsPerSecond:N0} req/s, p50 {result.Latency.P50:N2} / p99 {result.Latency.P99:N2} ms, {result.EntriesPerResponse:N1} entries per response, {result.Failures} failed{(result.TimeLimited ? $", stopped after {result.Requests:N0} requests at the time limit" : "")}"));
                if (result.FirstFailure is not null)
                {
                    notes.Add($"{query.Name} at {volume}, {clients} client(s): {result.Failures} failed; first: `{result.FirstFailure.ReplaceLineEndings(" ").Replace('`', '\'')}`");
                }

                results.Add(result);
            }

            if (cpu is not null)
            {
                notes.Add($"CPU during the {volume} queries at {clients} client{(clients == 1 ? "" : "s")} (1 s warm-up per query included): {cpu.Describe()}.");
            }
        }

        return results;
    }

    private static void ReportFailures(List<string> notes, string phase, IngestResult ingest)
    {
        if (ingest.Failures.Count == 0)
        {
            return;
        }

        notes.Add($"**{phase} failures ({ingest.Failures.Count}):**\n\n" +
            string.Join("\n", ingest.Failures.Take(10).Select(f => $"- `{f.ReplaceLineEndings(" ").Replace('`', '\'')}`")));
        foreach (var failure in ingest.Failures.Take(10))
        {
            Console.Error.WriteLine($"  {failure}");
        }
    }
}
