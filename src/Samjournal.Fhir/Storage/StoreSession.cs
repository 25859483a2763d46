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

    // A read snapshot also runs in a transaction, but never writes and never locks heads.
    private readonly bool _readOnly;

    // Keys made or looked up in this transaction; valid only here, since it may roll back.
    private readonly Dictionary<(short, string), long> _keys = [];
    private readonly PendingWrites _pending = new();

    public StoreSession(SqlStore store, DbConnection connection, DbTransaction? transaction, SemaphoreSlim? writerLock, bool readOnly = false)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _writerLock = writerLock;
        _readOnly = readOnly;
    }

    private bool IsPostgres => _store.Provider == StoreProvider.Postgres;

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is null || _readOnly)
        {
            throw new InvalidOperationException("A read session has nothing to commit.");
        }

        await FlushAsync(ct);
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

        await FlushAsync(ct);
        var sql = version is null
            ? """
              SELECT v.version, v.last_updated, v.method, v.body, v.compartment_key FROM resources r
              JOIN resource_versions v ON v.res_key = r.res_key AND v.version = r.version
              WHERE r.type_id = @type AND r.id = @id AND r.version > 0
              """
            : """
              SELECT v.version, v.last_updated, v.method, v.body, v.compartment_key FROM resources r
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

        return Shown(new StoredVersion(
            type,
            id,
            reader.GetInt32(0),
            FromMicros(reader.GetInt64(1)),
            (VersionMethod)reader.GetInt16(2),
            reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3))
        {
            CompartmentKey = reader.IsDBNull(4) ? null : reader.GetInt64(4),
        });
    }

    /// <summary>The head of a resource; in a write session it is locked until commit, so
    /// concurrent writers of one resource take turns and If-Match checks stay true.</summary>
    public async Task<ResourceHead?> GetHeadAsync(string type, string id, CancellationToken ct)
    {
        var typeId = _store.TypeId(type);
        await FlushAsync(ct);
        var sql = "SELECT res_key, version, deleted, compartment_key FROM resources WHERE type_id = @type AND id = @id";
        if (IsPostgres && _transaction is not null && !_readOnly)
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

        var head = new ResourceHead(reader.GetInt64(0), reader.GetInt32(1), reader.GetBoolean(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
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

        await FlushAsync(ct);
        await using (var select = Command("SELECT res_key FROM resources WHERE type_id = @type AND id = @id"))
        {
            Add(select, "type", typeId);
            Add(select, "id", id);
            if (await select.ExecuteScalarAsync(ct) is { } found and not DBNull)
            {
                return _keys[(typeId, id)] = Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // Not there: the placeholder goes out with the next flush, like any other head. A writer
        // racing for the same id fails that flush on the unique key, and its transaction with it.
        var key = await AllocateKeyAsync(ct);
        _pending.HeadInserts.Add([key, typeId, id, 0, false, null, 0L]);
        return _keys[(typeId, id)] = key;
    }

    /// <summary>Appends a version and moves the head to it. The caller has checked the expected
    /// version against <paramref name="head"/> (read with <see cref="GetHeadAsync"/> in this session),
    /// or passes null for a fresh server-assigned id. Returns the version's compartment (patient key).</summary>
    public async Task<long?> WriteAsync(NewVersion version, ResourceHead? head, CancellationToken ct)
    {
        var typeId = _store.TypeId(version.Type);
        var micros = ToMicros(version.LastUpdated);
        var deleted = version.Method == VersionMethod.Delete;

        // A head made earlier in this session only because something referred to this id is taken over.
        if (head is null && _keys.TryGetValue((typeId, version.Id), out var placeholder))
        {
            head = new ResourceHead(placeholder, 0, false);
        }

        var key = head?.Key ?? await AllocateKeyAsync(ct);
        _keys[(typeId, version.Id)] = key;

        // A Patient is in its own compartment.
        long? compartment = version.CompartmentPatientId is null ? null
            : version.Type == "Patient" && version.CompartmentPatientId == version.Id ? key
            : await EnsureKeyAsync("Patient", version.CompartmentPatientId, ct);

        if (head is null)
        {
            _pending.HeadInserts.Add([key, typeId, version.Id, version.Version, deleted, compartment, micros]);
        }
        else
        {
            _pending.HeadUpdates.Add((key, version.Version, deleted, compartment, micros, head.Value.Version > 0));
        }

        _pending.Versions.Add([key, version.Version, typeId, compartment, micros, (short)version.Method, version.Json]);
        _pending.SetIndex(
            key,
            compartment,
            deleted ? null : version.Index,
            param => _store.TryParamId(typeId, param, out var id) ? id : null,
            type => type is not null && _store.TryTypeId(type, out var id) ? id : null);
        return compartment;
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
