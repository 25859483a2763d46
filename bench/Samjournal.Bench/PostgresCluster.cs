using System.Diagnostics;
using Npgsql;

namespace Samjournal.Bench;

/// <summary>
/// A PostgreSQL cluster for the benchmark, separate from the test cluster: own data directory,
/// socket directory and port 5434, fsync ON (production-like durability). Or an existing cluster given by --pg-conn.
/// </summary>
internal sealed class PostgresCluster
{
    public const int Port = 5434;
    public const string DataDir = "/tmp/samjournal-bench-pg-data";
    public const string SocketDir = "/tmp/samjournal-bench-pg";
    public const string ServerOptions = "-c max_connections=300 -c shared_buffers=512MB";

    private readonly string? _binDir;
    private readonly bool _startedHere;

    public string AdminConnectionString { get; }
    public string Description { get; private set; } = "";

    private PostgresCluster(string adminConnectionString, string? binDir, bool startedHere)
    {
        AdminConnectionString = adminConnectionString;
        _binDir = binDir;
        _startedHere = startedHere;
    }

    public static async Task<PostgresCluster> StartAsync(string? existingConnection)
    {
        PostgresCluster cluster;
        if (existingConnection is not null)
        {
            cluster = new PostgresCluster(existingConnection, null, startedHere: false);
        }
        else
        {
            var binDir = Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                    .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d, StringComparer.Ordinal).LastOrDefault()
                : null;
            if (binDir is null)
            {
                throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin; run .ci/start-postgres once to install them, or pass --pg-conn.");
            }

            Directory.CreateDirectory(SocketDir);
            var running = Run(binDir, "pg_ctl", ["-D", DataDir, "status"], check: false) == 0;
            if (!running)
            {
                if (!File.Exists(Path.Combine(DataDir, "PG_VERSION")))
                {
                    Directory.CreateDirectory(DataDir);
                    ChownToPostgres(DataDir);
                    Run(binDir, "initdb", ["-D", DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
                }

                ChownToPostgres(SocketDir);
                Run(binDir, "pg_ctl", ["-D", DataDir, "-l", Path.Combine(DataDir, "server.log"), "-w", "start",
                    "-o", $"-k {SocketDir} -p {Port} -c listen_addresses='' -c fsync=on -c synchronous_commit=on -c full_page_writes=on {ServerOptions}"]);
            }

            cluster = new PostgresCluster($"Host={SocketDir};Port={Port};Username=postgres;Database=postgres", binDir, startedHere: !running);
        }

        cluster.Description = await cluster.DescribeAsync();
        return cluster;
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task<string> DescribeAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var settings = new List<string>();
        foreach (var name in new[] { "server_version", "fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "max_connections" })
        {
            await using var show = new NpgsqlCommand($"SHOW {name}", connection);
            settings.Add($"{name}={await show.ExecuteScalarAsync()}");
        }

        return string.Join(", ", settings);
    }

    /// <summary>Stops the cluster if this run started it.</summary>
    public void Stop()
    {
        if (_startedHere && _binDir is not null)
        {
            Run(_binDir, "pg_ctl", ["-D", DataDir, "-m", "fast", "-w", "stop"], check: false);
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static void ChownToPostgres(string path)
    {
        if (IsRoot)
        {
            RunProcess("chown", ["postgres:postgres", path], check: true);
        }
    }

    private static int Run(string binDir, string tool, string[] args, bool check = true)
    {
        var exe = Path.Combine(binDir, tool);
        return IsRoot
            ? RunProcess("runuser", ["-u", "postgres", "--", exe, .. args], check)
            : RunProcess(exe, args, check);
    }

    private static int RunProcess(string file, string[] args, bool check)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}{stdout.Result}");
        }

        return process.ExitCode;
    }
}
