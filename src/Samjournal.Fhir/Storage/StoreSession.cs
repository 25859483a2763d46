using System.Data.Common;
using Npgsql;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// One database connection, and for writes one transaction: everything written through a write
/// session commits together or not at all.
/// </summary>
internal sealed partial class StoreSession : IAsyncDisposable
{
    private readonly SqlStore _store;
    private readonly DbConnection _connection;
    private readonly DbTransaction? _transaction;
    private readonly SemaphoreSlim? _writerLock;

    // Keys made or looked up in this transaction; valid only here, since it may roll back.
    private readonly Dictionary<(short, string), long> _keys = [];

    public StoreSession(SqlStore store, DbConnection connection, DbTransaction? transaction, SemaphoreSlim? writerLock)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _writerLock = writerLock;
    }

    public SqlStore Store => _store;

    private bool IsPostgres => _store.Provider == StoreProvider.Postgres;

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            throw new InvalidOperationException("A read session has nothing to commit.");
        }

        await _transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync(); // rolls back unless committed
            }

            await _connection.DisposeAsync();
        }
        finally
        {
            _writerLock?.Release();
        }
    }

    public async Task<StoredVersion?> ReadAsync(string type, string id, int? version, CancellationToken ct)
    {
        if (!_store.TryTypeId(type, out var typeId))
        {
            return null;
        }

        var sql = version is null
            ? """
              SELECT v.version, v.last_updated, v.method, v.body FROM resources r
              JOIN resource_versions v ON v.res_key = r.res_key AND v.version = r.version
              WHERE r.type_id = @type AND r.id = @id AND r.version > 0
              """
            : """
              SELECT v.version, v.last_updated, v.method, v.body FROM resources r
              JOIN resource_versions v ON v.res_key = r.res_key
              WHERE r.type_id = @type AND r.id = @id AND v.version = @version
              """;
        await using var cmd = Command(sql);
        Add(cmd, "type", typeId);
        Add(cmd, "id", id);
        if (version is not null)
        {
            Add(cmd, "version", version.Value);
        }

        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new StoredVersion(
            type,
            id,
            reader.GetInt32(0),
            FromMicros(reader.GetInt64(1)),
            (VersionMethod)reader.GetInt16(2),
            reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3));
    }

    /// <summary>The head of a resource; in a write session it is locked until commit, so
    /// concurrent writers of one resource take turns and If-Match checks stay true.</summary>
    public async Task<ResourceHead?> GetHeadAsync(string type, string id, CancellationToken ct)
    {
        var typeId = _store.TypeId(type);
        var sql = "SELECT res_key, version, deleted FROM resources WHERE type_id = @type AND id = @id";
        if (IsPostgres && _transaction is not null)
        {
            sql += " FOR UPDATE";
        }

        await using var cmd = Command(sql);
        Add(cmd, "type", typeId);
        Add(cmd, "id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var head = new ResourceHead(reader.GetInt64(0), reader.GetInt32(1), reader.GetBoolean(2));
        _keys[(typeId, id)] = head.Key;
        return head;
    }

    /// <summary>The internal key of a resource, made now (as a version-0 head) if it does not exist
    /// yet, so references and compartments resolve also to targets written later.</summary>
    public async Task<long> EnsureKeyAsync(string type, string id, CancellationToken ct)
    {
        var typeId = _store.TypeId(type);
        if (_keys.TryGetValue((typeId, id), out var known))
        {
            return known;
        }

        await using (var insert = Command(
            "INSERT INTO resources (type_id, id, version, deleted, compartment_key, last_updated) VALUES (@type, @id, 0, @false, NULL, 0) ON CONFLICT (type_id, id) DO NOTHING RETURNING res_key"))
        {
            Add(insert, "type", typeId);
            Add(insert, "id", id);
            Add(insert, "false", false);
            var made = await insert.ExecuteScalarAsync(ct);
            if (made is not null && made is not DBNull)
            {
                return _keys[(typeId, id)] = Convert.ToInt64(made, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        await using var select = Command("SELECT res_key FROM resources WHERE type_id = @type AND id = @id");
        Add(select, "type", typeId);
        Add(select, "id", id);
        var key = Convert.ToInt64(await select.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        return _keys[(typeId, id)] = key;
    }

    /// <summary>Appends a version and moves the head to it. The caller has checked the expected
    /// version against <paramref name="head"/> (read with <see cref="GetHeadAsync"/> in this session).</summary>
    public async Task WriteAsync(NewVersion version, ResourceHead? head, CancellationToken ct)
    {
        var typeId = _store.TypeId(version.Type);
        // A Patient is in its own compartment: its key is its compartment key, known after insert.
        var ownCompartment = version.Type == "Patient" && version.CompartmentPatientId == version.Id;
        long? compartment = version.CompartmentPatientId is null || ownCompartment
            ? null
            : await EnsureKeyAsync("Patient", version.CompartmentPatientId, ct);
        var micros = ToMicros(version.LastUpdated);
        var deleted = version.Method == VersionMethod.Delete;

        long key;
        if (head is null)
        {
            // A version-0 head (made when something referred to this id first) is taken over;
            // a real one means another writer created the same id first.
            await using var insert = Command("""
                INSERT INTO resources (type_id, id, version, deleted, compartment_key, last_updated) VALUES (@type, @id, @version, @deleted, @compartment, @updated)
                ON CONFLICT (type_id, id) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, compartment_key = excluded.compartment_key, last_updated = excluded.last_updated
                WHERE resources.version = 0
                RETURNING res_key
                """);
            Add(insert, "type", typeId);
            Add(insert, "id", version.Id);
            Add(insert, "version", version.Version);
            Add(insert, "deleted", deleted);
            Add(insert, "compartment", compartment);
            Add(insert, "updated", micros);
            var made = await insert.ExecuteScalarAsync(ct);
            if (made is null or DBNull)
            {
                throw Errors.FhirOperationException.Conflict($"{version.Type}/{version.Id} was created by another request at the same time; nothing was written.");
            }

            key = Convert.ToInt64(made, System.Globalization.CultureInfo.InvariantCulture);
            _keys[(typeId, version.Id)] = key;
            if (ownCompartment)
            {
                compartment = key;
                await using var own = Command("UPDATE resources SET compartment_key = res_key WHERE res_key = @key");
                Add(own, "key", key);
                await own.ExecuteNonQueryAsync(ct);
            }
        }
        else
        {
            key = head.Value.Key;
            compartment = ownCompartment ? key : compartment;
            await using var update = Command(
                "UPDATE resources SET version = @version, deleted = @deleted, compartment_key = @compartment, last_updated = @updated WHERE res_key = @key");
            Add(update, "version", version.Version);
            Add(update, "deleted", deleted);
            Add(update, "compartment", compartment);
            Add(update, "updated", micros);
            Add(update, "key", key);
            await update.ExecuteNonQueryAsync(ct);
            if (head.Value.Version > 0)
            {
                await DeleteIndexAsync(key, ct);
            }
        }

        await using (var append = Command(
            "INSERT INTO resource_versions (res_key, version, type_id, compartment_key, last_updated, method, body) VALUES (@key, @version, @type, @compartment, @updated, @method, @body)"))
        {
            Add(append, "key", key);
            Add(append, "version", version.Version);
            Add(append, "type", typeId);
            Add(append, "compartment", compartment);
            Add(append, "updated", micros);
            Add(append, "method", (short)version.Method);
            Add(append, "body", version.Json);
            await append.ExecuteNonQueryAsync(ct);
        }

        if (version.Index is not null && !deleted)
        {
            await WriteIndexAsync(key, typeId, compartment, version.Index, ct);
        }
    }

    private DbCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (value is null && p is NpgsqlParameter np)
        {
            // An untyped NULL confuses PostgreSQL's type inference in some positions.
            np.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown;
        }

        cmd.Parameters.Add(p);
    }

    internal static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    internal static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
