using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Audit;

/// <summary>Direct SQL on a test host's database, as someone with database access would have:
/// how tests tamper with the audit trail behind the server's back.</summary>
internal static class RawDatabase
{
    public static async Task<DbConnection> OpenAsync(SamjournalHost host)
    {
        DbConnection connection = host switch
        {
            SqliteHost sqlite => new SqliteConnection($"Data Source={sqlite.DatabasePath};Pooling=False"),
            PostgresHost postgres => new NpgsqlConnection(postgres.ConnectionString),
            _ => throw new InvalidOperationException($"No raw access for {host.GetType().Name}."),
        };
        await connection.OpenAsync();
        return connection;
    }

    public static async Task<int> ExecuteAsync(SamjournalHost host, string sql)
    {
        await using var connection = await OpenAsync(host);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(SamjournalHost host, string sql)
    {
        await using var connection = await OpenAsync(host);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync();
    }

    /// <summary>What an attacker with administrator rights does first: removes the append-only triggers.</summary>
    public static Task DropAppendOnlyGuardsAsync(SamjournalHost host) => ExecuteAsync(host, host is PostgresHost
        ? "DROP TRIGGER audit_log_append_only ON audit_log; DROP TRIGGER audit_chain_append_only ON audit_chain;"
        : "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_chain_no_update; DROP TRIGGER audit_chain_no_delete;");
}
