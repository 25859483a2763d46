using System.Collections.Concurrent;
using System.Data.Common;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// The raw versioned store over SQLite or PostgreSQL. Internal on purpose: the only way to data
/// from outside the Fhir/Access pair is the scoped repository in Samjournal.Access.
/// </summary>
internal sealed class SqlStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string _sqliteConnectionString = "";

    // SQLite has one writer. Queue writers here instead of letting them spin on SQLITE_BUSY.
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);

    private readonly ConcurrentDictionary<string, short> _typeIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<short, string> _typeNames = new();
    private readonly ConcurrentDictionary<(short, string), int> _paramIds = new();

    public SqlStore(StoreOptions options, TimeProvider time)
    {
        Provider = options.Provider;
        Time = time;
        if (Provider == StoreProvider.Postgres)
        {
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);

            // The same few statements run all day (read by id, heads, history): let Npgsql prepare
            // them on each connection, so PostgreSQL parses and plans them once, not per request.
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }

            // Every statement here reads a few index ranges; parallel workers only add their start-up.
            // Measured on the benchmark: $everything took 59 ms with a parallel plan and 6 ms without.
            // Prepared statements are planned for their values every time: after five executions
            // PostgreSQL may switch a prepared statement to one generic plan for all values, and a
            // search's best plan depends on its values (how many rows a code or a patient has).
            // Measured on the Synthea data: Observation?category=laboratory&subject=X&_sort=-date took
            // 13 ms for five requests, then 430-510 ms each on the generic plan, which walks every
            // patient's lab results. Planning again costs well under a millisecond for these statements.
            // A connection string that sets Options (a DBA's choice) is left as it is.
            if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options))
            {
                builder.ConnectionStringBuilder.Options = "-c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_custom_plan";
            }

            _postgres = builder.Build();
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = true };
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            _sqliteConnectionString = builder.ToString();
        }
    }

    public StoreProvider Provider { get; }

    public TimeProvider Time { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await Migrator.MigrateAsync(connection, Provider, ct);
        await Migrator.RegisterNamesAsync(connection, Provider, ct);
        await LoadNamesAsync(connection, ct);
    }

    /// <summary>A session reading the latest committed data. Never blocks writers, never blocked by them.</summary>
    public async Task<StoreSession> ReadAsync(CancellationToken ct) =>
        new(this, await OpenAsync(ct), transaction: null, writerLock: null);

    /// <summary>
    /// A session whose statements all read one consistent snapshot, so a page, its includes and its
    /// total agree even while others write. It takes no locks: PostgreSQL runs it REPEATABLE READ
    /// READ ONLY (MVCC), SQLite as a deferred transaction that only reads, which in WAL mode pins
    /// the snapshot of its first read and never blocks the writer.
    /// </summary>
    public async Task<StoreSession> SnapshotAsync(CancellationToken ct)
    {
        var connection = await OpenAsync(ct);
        try
        {
            DbTransaction transaction;
            if (connection is SqliteConnection sqlite)
            {
                transaction = sqlite.BeginTransaction(deferred: true);
            }
            else
            {
                transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
                await using var readOnly = connection.CreateCommand();
                readOnly.Transaction = transaction;
                readOnly.CommandText = "SET TRANSACTION READ ONLY";
                await readOnly.ExecuteNonQueryAsync(ct);
            }

            return new StoreSession(this, connection, transaction, writerLock: null, readOnly: true);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A session that writes in one database transaction: all of it commits, or none.</summary>
    public async Task<StoreSession> WriteAsync(CancellationToken ct)
    {
        SemaphoreSlim? writerLock = null;
        if (Provider == StoreProvider.Sqlite)
        {
            await _sqliteWriter.WaitAsync(ct);
            writerLock = _sqliteWriter;
        }

        try
        {
            var connection = await OpenAsync(ct);
            var transaction = connection is SqliteConnection sqlite
                ? sqlite.BeginTransaction(deferred: false)
                : await connection.BeginTransactionAsync(ct);
            return new StoreSession(this, connection, transaction, writerLock);
        }
        catch
        {
            writerLock?.Release();
            throw;
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(ct);
        }

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(ct);

        // FULL: a commit is on disk before it returns, so an acknowledged write survives a crash
        // or power loss, not only a killed process.
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public short TypeId(string type) =>
        _typeIds.TryGetValue(type, out var id) ? id : throw new InvalidOperationException($"Resource type {type} is not registered.");

    public bool TryTypeId(string type, out short id) => _typeIds.TryGetValue(type, out id);

    public string TypeName(short typeId) => _typeNames[typeId];

    public bool TryParamId(short typeId, string code, out int paramId) => _paramIds.TryGetValue((typeId, code), out paramId);

    /// <summary>A parameter key made after start (custom SearchParameters), once it is committed.</summary>
    public void RememberParamId(short typeId, string code, int paramId) => _paramIds[(typeId, code)] = paramId;

    private async Task LoadNamesAsync(DbConnection connection, CancellationToken ct)
    {
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT type_id, name FROM resource_types";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = Convert.ToInt16(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
                _typeIds[reader.GetString(1)] = id;
                _typeNames[id] = reader.GetString(1);
            }
        }

        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT param_id, type_id, code FROM search_params";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var typeId = Convert.ToInt16(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                _paramIds[(typeId, reader.GetString(2))] = Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _sqliteWriter.Dispose();
    }

    /// <summary>All FHIR R4 resource type names the store accepts.</summary>
    public static IEnumerable<string> ResourceTypeNames => ModelInfo.SupportedResources.Order(StringComparer.Ordinal);
}
