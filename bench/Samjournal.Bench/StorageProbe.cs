using Microsoft.Data.Sqlite;
using Npgsql;

namespace Samjournal.Bench;

/// <summary>Database size after ingest, and the share of the search-index tables (idx_*, with their indexes).</summary>
internal sealed record StorageResult(long DatabaseBytes, long? IndexBytes, string Detail, IReadOnlyList<(string Table, long Bytes)> Tables)
{
    public double? IndexShare => IndexBytes is { } idx && DatabaseBytes > 0 ? (double)idx / DatabaseBytes : null;
}

internal static class StorageProbe
{
    public static async Task<StorageResult> SqliteAsync(string databasePath)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ConnectionString;
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        string checkpoint;
        await using (var command = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE)", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            checkpoint = $"wal_checkpoint(TRUNCATE): busy={reader.GetInt64(0)}";
        }

        long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
        var main = FileSize(databasePath);
        var wal = FileSize(databasePath + "-wal");
        var detail = $"file {main:N0} B + wal {wal:N0} B after {checkpoint}";

        // Bytes per table, indexes counted with their table; dbstat is a compile-time option of SQLite.
        var tables = new List<(string, long)>();
        try
        {
            await using var command = new SqliteCommand(
                "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name ORDER BY 2 DESC", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }
        catch (SqliteException)
        {
            var (counted, note) = await PagesPerTableAsync(connection, databasePath);
            return new StorageResult(main + wal, IndexBytes(counted), $"{detail}; no dbstat in this SQLite build: {note}", counted);
        }

        return new StorageResult(main + wal, IndexBytes(tables), detail + "; tables by dbstat", tables);
    }

    /// <summary>Bytes per table (its indexes included) from the b-tree pages in the file.</summary>
    private static async Task<(List<(string, long)> Tables, string Note)> PagesPerTableAsync(SqliteConnection connection, string databasePath)
    {
        var roots = new List<(string Table, long Root)> { ("sqlite_schema", 1) };
        await using (var command = new SqliteCommand("SELECT tbl_name, rootpage FROM sqlite_master WHERE rootpage > 0", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                roots.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        long Pragma(string name)
        {
            using var command = new SqliteCommand($"PRAGMA {name}", connection);
            return (long)command.ExecuteScalar()!;
        }

        var pageCount = Pragma("page_count");
        var freePages = Pragma("freelist_count");
        using var counter = new SqlitePageCounter(databasePath);
        var pages = roots.GroupBy(r => r.Table).Select(g => (Table: g.Key, Pages: g.Sum(r => counter.CountTree(r.Root)))).ToList();
        var counted = pages.Sum(p => p.Pages);
        var tables = pages.Select(p => (p.Table, p.Pages * counter.PageSize)).OrderByDescending(t => t.Item2).ToList();
        // Pages the walk did not reach (pointer maps, a torn read) would make the shares wrong: say so.
        var check = counted + freePages == pageCount ? "all pages accounted for" : $"{pageCount - freePages - counted:N0} pages unaccounted for";
        return (tables, $"tables by b-tree page counts read from the file ({counted:N0} pages in tables + {freePages:N0} free of {pageCount:N0}: {check})");
    }

    /// <summary>
    /// VACUUM (ANALYZE) after a bulk load, so the queries are measured on the steady state the
    /// autovacuum daemon reaches some minutes later: planner statistics that know the loaded data
    /// and a visibility map that allows index-only scans. Without it the same query measured 52 or
    /// 380 req/s depending on whether autovacuum happened to run during it.
    /// </summary>
    public static async Task SettlePostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<StorageResult> PostgresAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        long size;
        await using (var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection))
        {
            size = (long)(await command.ExecuteScalarAsync())!;
        }

        var tables = new List<(string, long)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 2 DESC
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        return new StorageResult(size, IndexBytes(tables), "pg_database_size (includes ~7.5 MB of system catalogs); tables by pg_total_relation_size", tables);
    }

    private static long IndexBytes(IEnumerable<(string Table, long Bytes)> tables) =>
        tables.Where(t => t.Table.StartsWith("idx_", StringComparison.Ordinal)).Sum(t => t.Bytes);
}
