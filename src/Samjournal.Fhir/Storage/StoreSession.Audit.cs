using System.Data.Common;
using System.Globalization;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// The audit trail's storage: rows appended in the transaction of what they record, then linked
/// into a hash chain by one chainer at a time. The chain's order is (tx, seq): on PostgreSQL a
/// row's key is drawn when it is inserted, not when its transaction commits, so a later key can
/// commit first. The chainer links only rows of transactions older than every transaction still
/// running, so nothing can ever appear before the end of the chain; SQLite has one writer, and
/// the chainer holds it, so there every committed row is final.
/// </summary>
internal sealed partial class StoreSession
{
    private const long ChainerLockKey = 0x53616d617564; // "Samaud"

    private const string AuditColumns =
        "a.seq, a.recorded_us, a.actor_kind, a.actor_subject, a.actor_name, a.actor_hpr, a.actor_role, a.actor_org, a.actor_unit, a.purpose, "
        + "a.action, a.interaction, a.what, a.patient_key, a.basis, a.outcome, a.detail";

    /// <summary>Adds an audit row to this write transaction: it commits with the writes, or not at all.</summary>
    public void AppendAudit(AuditRow row)
    {
        if (_transaction is null || _readOnly)
        {
            throw new InvalidOperationException("Audit rows are written in a write session.");
        }

        _pending.AuditRows.Add(row.ToColumns());
    }

    /// <summary>Links up to <paramref name="limit"/> committed rows to the chain; returns how many.
    /// Another process chaining at the same time makes this one return 0.</summary>
    public async Task<int> ChainAuditAsync(int limit, CancellationToken ct)
    {
        await FlushAsync(ct);
        var horizon = long.MaxValue;
        if (IsPostgres)
        {
            await using var lockCmd = Command($"SELECT pg_try_advisory_xact_lock({ChainerLockKey})");
            if (await lockCmd.ExecuteScalarAsync(ct) is not true)
            {
                return 0;
            }

            // Every transaction below this id has ended: its rows are committed or gone for good.
            await using var horizonCmd = Command("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint");
            horizon = Convert.ToInt64(await horizonCmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        long position = 0, lastTx = -1, lastSeq = 0;
        var previous = AuditRow.Genesis;
        await using (var last = Command("SELECT c.pos, c.chain_hash, a.tx, a.seq FROM audit_chain c JOIN audit_log a ON a.seq = c.seq ORDER BY c.pos DESC LIMIT 1"))
        await using (var reader = await last.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                position = reader.GetInt64(0);
                previous = (byte[])reader.GetValue(1);
                lastTx = reader.GetInt64(2);
                lastSeq = reader.GetInt64(3);
            }
        }

        var links = new List<object?[]>();
        await using (var next = Command(
            $"SELECT {AuditColumns} FROM audit_log a WHERE (a.tx, a.seq) > (@tx, @seq) AND a.tx < @horizon ORDER BY a.tx, a.seq LIMIT @limit"))
        {
            Add(next, "tx", lastTx);
            Add(next, "seq", lastSeq);
            Add(next, "horizon", horizon);
            Add(next, "limit", limit);
            await using var reader = await next.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var row = ReadAuditRow(reader);
                previous = AuditRow.Link(previous, row.Row.Digest(row.Seq));
                links.Add([++position, row.Seq, previous]);
            }
        }

        // In bulk, like the write path: one statement per link doubled the database's work under load.
        if (IsPostgres)
        {
            await CopyAsync(TableLayout.AuditChain, links, ct);
        }
        else
        {
            await InsertAsync(TableLayout.AuditChain, links, ct);
        }

        return links.Count;
    }

    /// <summary>Walks the whole chain and recomputes every link. A changed byte in any row, a
    /// removed row or link, or rows swapped make the first affected position fail.</summary>
    public async Task<AuditChainVerdict> VerifyAuditAsync(DateTimeOffset staleBefore, CancellationToken ct)
    {
        await FlushAsync(ct);
        long expected = 1, checkedLinks = 0;
        var previous = AuditRow.Genesis;
        long? problemAt = null;
        string? problem = null;
        await using (var walk = Command(
            $"SELECT c.pos, c.seq, c.chain_hash, {AuditColumns} FROM audit_chain c LEFT JOIN audit_log a ON a.seq = c.seq ORDER BY c.pos"))
        await using (var reader = await walk.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var position = reader.GetInt64(0);
                var stored = (byte[])reader.GetValue(2);
                if (position != expected)
                {
                    (problemAt, problem) = (expected, $"link {expected} is missing: the chain jumps from {expected - 1} to {position}");
                    break;
                }

                if (reader.IsDBNull(3))
                {
                    (problemAt, problem) = (position, $"the audit record of link {position} (seq {reader.GetInt64(1)}) has been removed");
                    break;
                }

                var row = ReadAuditRow(reader, offset: 3);
                var link = AuditRow.Link(previous, row.Row.Digest(row.Seq));
                if (!link.AsSpan().SequenceEqual(stored))
                {
                    (problemAt, problem) = (position, $"the audit record at link {position} (seq {row.Seq}) was changed, or records were reordered or removed before it");
                    break;
                }

                previous = stored;
                checkedLinks++;
                expected++;
            }
        }

        long pending, stale;
        await using (var unlinked = Command(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.recorded_us < @stale THEN 1 ELSE 0 END), 0) FROM audit_log a WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.seq = a.seq)"))
        {
            Add(unlinked, "stale", ToMicros(staleBefore));
            await using var reader = await unlinked.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            pending = reader.GetInt64(0);
            stale = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        if (problem is null && stale > 0)
        {
            problem = $"{stale} audit records are older than the chainer's delay and still not linked: they were inserted around the chain";
        }

        return new AuditChainVerdict(checkedLinks, pending, stale, problemAt, problem, expected - 1, previous);
    }

    /// <summary>Audit rows about one patient, newest first, before <paramref name="beforeSeq"/>.</summary>
    public async Task<IReadOnlyList<StoredAuditRow>> ReadAuditAsync(long patientKey, long? beforeSeq, int count, CancellationToken ct)
    {
        await FlushAsync(ct);
        await using var cmd = Command(
            $"SELECT {AuditColumns} FROM audit_log a WHERE a.patient_key = @patient AND a.seq < @before ORDER BY a.seq DESC LIMIT @limit");
        Add(cmd, "patient", patientKey);
        Add(cmd, "before", beforeSeq ?? long.MaxValue);
        Add(cmd, "limit", count);
        var rows = new List<StoredAuditRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(ReadAuditRow(reader));
        }

        return rows;
    }

    /// <summary>The internal key of Type/id, or null when it was never written or referred to.</summary>
    public async Task<long?> KeyOfAsync(string type, string id, CancellationToken ct)
    {
        if (!_store.TryTypeId(type, out var typeId))
        {
            return null;
        }

        if (_keys.TryGetValue((typeId, id), out var known))
        {
            return known;
        }

        await FlushAsync(ct);
        await using var select = Command("SELECT res_key FROM resources WHERE type_id = @type AND id = @id");
        Add(select, "type", typeId);
        Add(select, "id", id);
        return await select.ExecuteScalarAsync(ct) is { } found and not DBNull ? Convert.ToInt64(found, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The logical ids of patients by internal key (for audit records and events).</summary>
    public async Task<IReadOnlyDictionary<long, string>> PatientIdsAsync(IReadOnlyCollection<long> keys, CancellationToken ct)
    {
        var ids = new Dictionary<long, string>();
        if (keys.Count == 0)
        {
            return ids;
        }

        await FlushAsync(ct);
        await using var cmd = Command("");
        var bind = new Binder(cmd);
        cmd.CommandText = $"SELECT res_key, id FROM resources WHERE res_key IN ({string.Join(", ", keys.Select(k => bind.Value(k)))})";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids[reader.GetInt64(0)] = reader.GetString(1);
        }

        return ids;
    }

    private static StoredAuditRow ReadAuditRow(DbDataReader reader, int offset = 0)
    {
        string? Text(int i) => reader.IsDBNull(offset + i) ? null : reader.GetString(offset + i);
        return new StoredAuditRow(
            reader.GetInt64(offset),
            new AuditRow(
                FromMicros(reader.GetInt64(offset + 1)),
                Text(2)!, Text(3)!, Text(4), Text(5), Text(6), Text(7), Text(8), Text(9)!,
                Text(10)!, Text(11)!, Text(12)!,
                reader.IsDBNull(offset + 13) ? null : reader.GetInt64(offset + 13),
                Text(14)!,
                Convert.ToInt16(reader.GetValue(offset + 15), CultureInfo.InvariantCulture),
                Text(16)));
    }
}
