using System.Globalization;
using Npgsql;

namespace Samjournal.Fhir.Storage;

/// <summary>Sending pending rows: binary COPY on PostgreSQL, multi-row INSERT on SQLite.</summary>
internal sealed partial class StoreSession
{
    private readonly Queue<long> _freeKeys = new();
    private long _nextSqliteKey;
    private int _keyBlock = 16;

    /// <summary>
    /// A fresh resource key. PostgreSQL hands out blocks from the identity sequence (shared safely
    /// by concurrent writers); SQLite has one writer at a time, so the next free key is read once
    /// per write session and counted on in memory.
    /// </summary>
    private async Task<long> AllocateKeyAsync(CancellationToken ct)
    {
        if (!IsPostgres)
        {
            if (_nextSqliteKey == 0)
            {
                await using var max = Command("SELECT COALESCE(MAX(res_key), 0) FROM resources");
                _nextSqliteKey = Convert.ToInt64(await max.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) + 1;
            }

            return _nextSqliteKey++;
        }

        if (_freeKeys.Count == 0)
        {
            await using var next = Command("SELECT nextval(pg_get_serial_sequence('resources', 'res_key')) FROM generate_series(1, @n)");
            Add(next, "n", _keyBlock);
            await using var reader = await next.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                _freeKeys.Enqueue(reader.GetInt64(0));
            }

            _keyBlock = Math.Min(_keyBlock * 4, 4096);
        }

        return _freeKeys.Dequeue();
    }

    /// <summary>Sends every pending row. Heads first (new, then moved with their old index rows
    /// removed), then versions, then the new index rows.</summary>
    private async Task FlushAsync(CancellationToken ct)
    {
        if (_transaction is null || _pending.IsEmpty)
        {
            return;
        }

        if (IsPostgres)
        {
            await CopyAsync(TableLayout.Resources, _pending.HeadInserts, ct);
            await UpdateHeadsPostgresAsync(ct);
            await CopyAsync(TableLayout.Versions, _pending.Versions, ct);
            foreach (var table in TableLayout.IndexTables)
            {
                await CopyAsync(table, _pending.RowsOf(table).ToList(), ct);
            }

            await CopyAsync(TableLayout.AuditLog, _pending.AuditRows, ct);
            if (_pending.RelationDeletes.Count > 0)
            {
                await using var delete = new NpgsqlCommand("DELETE FROM care_relations WHERE source_key = ANY($1)", (NpgsqlConnection)_connection, (NpgsqlTransaction)_transaction!);
                delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. _pending.RelationDeletes] });
                await delete.ExecuteNonQueryAsync(ct);
            }

            await CopyAsync(TableLayout.CareRelations, _pending.Relations.Values.SelectMany(r => r).ToList(), ct);
            await CopyAsync(TableLayout.EntrySources, _pending.Sources, ct);
        }
        else
        {
            await InsertAsync(TableLayout.Resources, _pending.HeadInserts, ct);
            await UpdateHeadsSqliteAsync(ct);
            await InsertAsync(TableLayout.Versions, _pending.Versions, ct);
            foreach (var table in TableLayout.IndexTables)
            {
                await InsertAsync(table, _pending.RowsOf(table).ToList(), ct);
            }

            await InsertAsync(TableLayout.AuditLog, _pending.AuditRows, ct);
            foreach (var source in _pending.RelationDeletes)
            {
                await using var delete = Command("DELETE FROM care_relations WHERE source_key = @source");
                Add(delete, "source", source);
                await delete.ExecuteNonQueryAsync(ct);
            }

            await InsertAsync(TableLayout.CareRelations, _pending.Relations.Values.SelectMany(r => r).ToList(), ct);
            await InsertAsync(TableLayout.EntrySources, _pending.Sources, ct);
        }

        _relationsFlushed.UnionWith(_pending.Relations.Keys);

        _pending.Clear();
    }

    private async Task CopyAsync(TableLayout table, List<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var connection = (NpgsqlConnection)_connection;
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {table.Name} ({string.Join(", ", table.Columns)}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(ct);
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] is null)
                {
                    await copy.WriteNullAsync(ct);
                }
                else
                {
                    await copy.WriteAsync(row[c], table.Types[c], ct);
                }
            }
        }

        await copy.CompleteAsync(ct);
    }

    private async Task UpdateHeadsPostgresAsync(CancellationToken ct)
    {
        if (_pending.HeadUpdates.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch((NpgsqlConnection)_connection, (NpgsqlTransaction)_transaction!);
        foreach (var head in _pending.HeadUpdates)
        {
            var update = new NpgsqlBatchCommand("UPDATE resources SET version = $1, deleted = $2, compartment_key = $3, last_updated = $4 WHERE res_key = $5");
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = head.Version });
            update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = head.Deleted });
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)head.Compartment ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head.Updated });
            update.Parameters.Add(new NpgsqlParameter<long> { TypedValue = head.Key });
            batch.BatchCommands.Add(update);
        }

        var reindexed = _pending.HeadUpdates.Where(h => h.HadIndex).Select(h => h.Key).Distinct().ToArray();
        if (reindexed.Length > 0)
        {
            foreach (var table in TableLayout.IndexTables)
            {
                var delete = new NpgsqlBatchCommand($"DELETE FROM {table.Name} WHERE res_key = ANY($1)");
                delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = reindexed });
                batch.BatchCommands.Add(delete);
            }
        }

        await batch.ExecuteNonQueryAsync(ct);
    }

    private async Task UpdateHeadsSqliteAsync(CancellationToken ct)
    {
        foreach (var head in _pending.HeadUpdates)
        {
            await using var update = Command("UPDATE resources SET version = @version, deleted = @deleted, compartment_key = @compartment, last_updated = @updated WHERE res_key = @key");
            Add(update, "version", head.Version);
            Add(update, "deleted", head.Deleted);
            Add(update, "compartment", head.Compartment);
            Add(update, "updated", head.Updated);
            Add(update, "key", head.Key);
            await update.ExecuteNonQueryAsync(ct);
            if (head.HadIndex)
            {
                foreach (var table in TableLayout.IndexTables)
                {
                    await using var delete = Command($"DELETE FROM {table.Name} WHERE res_key = @key");
                    Add(delete, "key", head.Key);
                    await delete.ExecuteNonQueryAsync(ct);
                }
            }
        }
    }

    /// <summary>SQLite: one prepared single-row INSERT, re-executed per row. In-process, that is
    /// faster than multi-row statements, whose named parameters the driver binds in quadratic time.</summary>
    private async Task InsertAsync(TableLayout table, List<object?[]> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = Command(
            $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns)}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})");
        var parameters = table.Columns.Select((_, i) =>
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@p" + i.ToString(CultureInfo.InvariantCulture);
            cmd.Parameters.Add(p);
            return p;
        }).ToArray();
        await cmd.PrepareAsync(ct);
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                parameters[c].Value = row[c] ?? DBNull.Value;
            }

            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
