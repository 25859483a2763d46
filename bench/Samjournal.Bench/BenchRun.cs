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
        var data = DataSet.Load(dataDir);
        Console.Error.WriteLine($"{data.BundleCount} bundles, {data.TotalEntries:N0} entries, {data.Shared.Sum(b => b.Json.Length) + data.Patients.Sum(b => b.Json.Length):N0} bytes of JSON.");

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
            results.Add(await MeasureAsync(http, options.ServerUrl, "External server", "", data, options, null, null));
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
                    results.Add(await MeasureAsync(http, server.BaseUrl, "SQLite", "", data, options, server,
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
                            results.Add(await MeasureAsync(http, server.BaseUrl, "PostgreSQL", cluster.Description, data, options, server,
                                () => StorageProbe.PostgresAsync(connection)));
                        }

                        await cluster.DropDatabaseAsync(dbName);
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

        return results.Any(r => r.Ingest.Failures.Count > 0 || r.WarmIngest?.Failures.Count > 0 || r.Reads.Any(x => x.Failures > 0)) ? 1 : 0;
    }

    private static async Task<BackendResult> MeasureAsync(
        HttpClient http, string baseUrl, string name, string settings, DataSet data, Options options,
        ServerProcess? server, Func<Task<StorageResult>>? storage)
    {
        var notes = new List<string>();
        Console.Error.WriteLine($"[{name}] ingest: {data.BundleCount} bundles, {options.Clients} clients...");
        var sampler = server is null ? null : new RssSampler(server.Pid);
        var cpu = server is null ? null : new CpuMeter(server.Pid);
        var ingest = await IngestRun.RunAsync(http, baseUrl, data, options.Clients);
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
        if (ingest.Failures.Count > 0)
        {
            notes.Add($"**Ingest failures ({ingest.Failures.Count}):**\n\n" +
                string.Join("\n", ingest.Failures.Take(10).Select(f => $"- `{f.ReplaceLineEndings(" ").Replace('`', '\'')}`")));
            foreach (var failure in ingest.Failures.Take(10))
            {
                Console.Error.WriteLine($"  {failure}");
            }
        }

        if (server is null)
        {
            notes.Add("External server (--server-url): memory and storage not measured.");
        }

        var storageResult = storage is null ? null : await storage();

        // Half of the first pass is the JIT compiling Firely's and our code (measured: ~2,000/s
        // cold against ~3,600/s warm on PostgreSQL), so a second pass shows the steady state.
        Console.Error.WriteLine($"[{name}] warm ingest: the same bundles again (new ids)...");
        var warm = await IngestRun.RunAsync(http, baseUrl, data, options.Clients);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{name}] warm: {warm.Resources:N0} resources in {warm.Wall.TotalSeconds:N1} s = {warm.ResourcesPerSecond:N0}/s; {warm.Failures.Count} failures"));
        var distinctIds = ingest.Created.Distinct().ToArray();
        Console.Error.WriteLine($"[{name}] {distinctIds.Length:N0} distinct ids from the transaction responses");
        var reads = new List<ReadResult>();
        foreach (var clients in ReadClients)
        {
            Console.Error.WriteLine($"[{name}] read by id: {clients} client(s), {options.Reads:N0} requests after 2 s warm-up...");
            var readCpu = server is null ? null : new CpuMeter(server.Pid);
            var read = await ReadRun.RunAsync(http, baseUrl, distinctIds, clients, options.Reads);
            if (readCpu is not null)
            {
                notes.Add($"CPU during read by id at {clients} client{(clients == 1 ? "" : "s")} (includes the 2 s warm-up): {readCpu.Describe()}.");
            }
            reads.Add(read);
            if (read.FirstFailure is not null)
            {
                notes.Add($"Read failures at {clients} clients: {read.Failures}; first: `{read.FirstFailure.ReplaceLineEndings(" ")}`");
            }
        }

        if (server is not null)
        {
            var logTail = ServerProcess.Tail(server.LogPath, 5);
            if (logTail.Length > 0)
            {
                Console.Error.WriteLine($"[{name}] server log ({server.LogPath}), last lines:\n{logTail}");
            }
        }

        return new BackendResult(name, settings, ingest, peak, hwm, storageResult, reads, notes) { WarmIngest = warm };
    }
}
