using Npgsql;

namespace Samjournal.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL database for one fixture, on the server named by SAMJOURNAL_TEST_POSTGRES
/// (default: the cluster .ci/run starts). If the server cannot be reached the test fails: it
/// never skips.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "SAMJOURNAL_TEST_POSTGRES";
    public const string DefaultServer = "Host=/tmp/samjournal-pg;Port=5433;Username=postgres";

    private readonly string _server;

    private PostgresDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : DefaultServer;

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var name = "sj_test_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres" }.ToString());
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{Server}' ({e.Message}). Start it with .ci/start-postgres or set {Variable}.", e);
        }

        return new PostgresDatabase(Server, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
