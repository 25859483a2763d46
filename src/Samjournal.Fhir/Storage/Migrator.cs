using System.Data.Common;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// Creates and upgrades the schema at start-up, so a fresh database needs no manual step.
/// Concurrent starts are safe: PostgreSQL takes an advisory lock, SQLite a write transaction.
/// </summary>
internal static class Migrator
{
    private const long AdvisoryLockKey = 0x53616d6a6f75; // "Samjou"

    public static async Task MigrateAsync(DbConnection connection, StoreProvider provider, CancellationToken ct)
    {
        if (provider == StoreProvider.Sqlite)
        {
            // WAL is a property of the database file: readers never block the writer or each other.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", ct);
        }

        await using var tx = await BeginAsync(connection, provider, ct);
        if (provider == StoreProvider.Postgres)
        {
            await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        }

        await ExecuteAsync(connection, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)", ct);
        var applied = Convert.ToInt32(await ScalarAsync(connection, tx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", ct), System.Globalization.CultureInfo.InvariantCulture);
        var migrations = Schema.Migrations(provider);
        for (var i = applied; i < migrations.Count; i++)
        {
            await ExecuteAsync(connection, tx, migrations[i], ct);
            await ExecuteAsync(connection, tx, $"INSERT INTO schema_migrations (version, applied_at) VALUES ({i + 1}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})", ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Registers every resource type and search parameter of the R4 definitions with a small
    /// stable key. Done at start, outside any request, so a key held in memory always exists
    /// in the database (a key made inside a request that then rolled back would not).
    /// </summary>
    public static async Task RegisterNamesAsync(DbConnection connection, StoreProvider provider, CancellationToken ct)
    {
        await using var tx = await BeginAsync(connection, provider, ct);
        if (provider == StoreProvider.Postgres)
        {
            await ExecuteAsync(connection, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        }

        var types = new Dictionary<string, short>(StringComparer.Ordinal);
        await using (var cmd = Command(connection, tx, "SELECT type_id, name FROM resource_types"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                types[reader.GetString(1)] = Convert.ToInt16(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        short nextType = types.Count == 0 ? (short)1 : (short)(types.Values.Max() + 1);
        foreach (var name in SqlStore.ResourceTypeNames.Where(n => !types.ContainsKey(n)))
        {
            await using var insert = Command(connection, tx, "INSERT INTO resource_types (type_id, name) VALUES (@id, @name)");
            AddParameter(insert, "id", nextType);
            AddParameter(insert, "name", name);
            await insert.ExecuteNonQueryAsync(ct);
            types[name] = nextType++;
        }

        var existing = new HashSet<(short, string)>();
        var maxParam = 0;
        await using (var cmd = Command(connection, tx, "SELECT param_id, type_id, code FROM search_params"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                maxParam = Math.Max(maxParam, Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                existing.Add((Convert.ToInt16(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(2)));
            }
        }

        foreach (var (type, code) in SearchParameterCodes().Where(p => types.ContainsKey(p.Type)))
        {
            if (!existing.Add((types[type], code)))
            {
                continue;
            }

            await using var insert = Command(connection, tx, "INSERT INTO search_params (param_id, type_id, code) VALUES (@id, @type, @code)");
            AddParameter(insert, "id", ++maxParam);
            AddParameter(insert, "type", types[type]);
            AddParameter(insert, "code", code);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>The R4 search parameters per type, plus the common ones every resource has.</summary>
    private static IEnumerable<(string Type, string Code)> SearchParameterCodes()
    {
        string[] common = ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_source"];
        var own = ModelInfo.SearchParameters
            .Where(p => p.Resource is not null && p.Code is not null)
            .Select(p => (p.Resource!, p.Code!));
        var shared = SqlStore.ResourceTypeNames.SelectMany(t => common.Select(c => (t, c)));
        var text = SqlStore.ResourceTypeNames.SelectMany(t => Indexing.TextSearch.CodesFor(t).Select(c => (t, c)));
        return own.Concat(shared).Concat(text).Distinct().OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal);
    }

    private static async Task<DbTransaction> BeginAsync(DbConnection connection, StoreProvider provider, CancellationToken ct) =>
        connection is Microsoft.Data.Sqlite.SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(ct);

    private static DbCommand Command(DbConnection connection, DbTransaction? tx, string sql)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = Command(connection, tx, sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = Command(connection, tx, sql);
        return await cmd.ExecuteScalarAsync(ct);
    }
}
