using System.Globalization;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Reindexing;

namespace Samjournal.Fhir.Storage;

/// <summary>Custom SearchParameters: their parameter keys, their reindex jobs and the batches
/// that index existing resources for them.</summary>
internal sealed partial class StoreSession
{
    private const string JobColumns = "job_id, resource_id, definition, state, last_key, processed, total, error";

    /// <summary>The current (not deleted) SearchParameter resources of the store, as JSON bodies.</summary>
    public async Task<List<byte[]>> CurrentSearchParametersAsync(CancellationToken ct)
    {
        await FlushAsync(ct);
        if (!_store.TryTypeId("SearchParameter", out var typeId))
        {
            return [];
        }

        await using var cmd = Command("SELECT v.body FROM resources r JOIN resource_versions v ON v.res_key = r.res_key AND v.version = r.version WHERE r.type_id = @type AND r.version > 0 AND r.deleted = @no");
        Add(cmd, "type", typeId);
        Add(cmd, "no", false);
        var bodies = new List<byte[]>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            bodies.Add((byte[])reader.GetValue(0));
        }

        return bodies;
    }

    /// <summary>The newest job of every SearchParameter that ever had one.</summary>
    public async Task<List<ReindexJob>> LatestJobsAsync(CancellationToken ct)
    {
        await using var cmd = Command($"SELECT {JobColumns} FROM reindex_jobs j WHERE j.job_id = (SELECT MAX(k.job_id) FROM reindex_jobs k WHERE k.resource_id = j.resource_id)");
        return await ReadJobsAsync(cmd, ct);
    }

    /// <summary>The newest job of one SearchParameter, or null.</summary>
    public async Task<ReindexJob?> LatestJobAsync(string resourceId, CancellationToken ct)
    {
        await using var cmd = Command($"SELECT {JobColumns} FROM reindex_jobs WHERE resource_id = @id ORDER BY job_id DESC LIMIT 1");
        Add(cmd, "id", resourceId);
        return (await ReadJobsAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Every (type, code) to parameter key, so keys made by other hosts become known here.</summary>
    public async Task<List<(short TypeId, string Code, int ParamId)>> ParamIdsAsync(CancellationToken ct)
    {
        await using var cmd = Command("SELECT type_id, code, param_id FROM search_params");
        var rows = new List<(short, string, int)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((Convert.ToInt16(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return rows;
    }

    /// <summary>Makes the parameter key of a custom code in this transaction, if it has none yet.
    /// PostgreSQL takes the migrator's lock, so key numbering never races with another host.</summary>
    public async Task EnsureParamIdAsync(string type, string code, CancellationToken ct)
    {
        var typeId = _store.TypeId(type);
        if (IsPostgres)
        {
            await using var lockCmd = Command($"SELECT pg_advisory_xact_lock({Migrator.AdvisoryLockKey})");
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using var insert = Command(
            "INSERT INTO search_params (param_id, type_id, code) SELECT n.last + 1, @type, @code FROM (SELECT COALESCE(MAX(param_id), 0) AS last FROM search_params) n"
            + " WHERE NOT EXISTS (SELECT 1 FROM search_params WHERE type_id = @type AND code = @code)");
        Add(insert, "type", typeId);
        Add(insert, "code", code);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Queues a job for <paramref name="definition"/> of one SearchParameter, unless its newest job
    /// already covers exactly that definition; unfinished jobs for other definitions are cancelled.
    /// A null definition (deleted, retired) only cancels.
    /// </summary>
    public async Task<bool> QueueJobAsync(string resourceId, string? definition, DateTimeOffset now, CancellationToken ct)
    {
        var latest = await LatestJobAsync(resourceId, ct);
        if (definition is not null && latest is not null && latest.Definition == definition && latest.State is not (ReindexJob.Failed or ReindexJob.Cancelled))
        {
            return false;
        }

        // Retiring also cancels a finished job: writes stop indexing a retired parameter, so its
        // rows go stale, and bringing it back must reindex even with the very same definition.
        await using (var cancel = Command($"UPDATE reindex_jobs SET state = @cancelled, updated_at = @now WHERE resource_id = @id AND state IN (@queued, @running{(definition is null ? ", @done" : "")})"))
        {
            Add(cancel, "cancelled", ReindexJob.Cancelled);
            Add(cancel, "now", ToMicros(now));
            Add(cancel, "id", resourceId);
            Add(cancel, "queued", ReindexJob.Queued);
            Add(cancel, "running", ReindexJob.Running);
            if (definition is null)
            {
                Add(cancel, "done", ReindexJob.Done);
            }

            await cancel.ExecuteNonQueryAsync(ct);
        }

        if (definition is null)
        {
            return false;
        }

        await using var insert = Command(
            "INSERT INTO reindex_jobs (resource_id, definition, state, last_key, processed, total, created_at, updated_at) VALUES (@id, @definition, @queued, 0, 0, 0, @now, @now)");
        Add(insert, "id", resourceId);
        Add(insert, "definition", definition);
        Add(insert, "queued", ReindexJob.Queued);
        Add(insert, "now", ToMicros(now));
        await insert.ExecuteNonQueryAsync(ct);
        return true;
    }

    public async Task FailJobAsync(long jobId, string error, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = Command("UPDATE reindex_jobs SET state = @failed, error = @error, updated_at = @now WHERE job_id = @job AND state IN (@queued, @running)");
        Add(cmd, "failed", ReindexJob.Failed);
        Add(cmd, "error", error);
        Add(cmd, "now", ToMicros(now));
        Add(cmd, "job", jobId);
        Add(cmd, "queued", ReindexJob.Queued);
        Add(cmd, "running", ReindexJob.Running);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Indexes the next <paramref name="batchSize"/> current resources of the job's types for its
    /// parameter, and moves the job past them, in this one transaction. The heads of the batch are
    /// locked first (PostgreSQL; SQLite has one writer anyway), so a concurrent write of one of
    /// them waits and then replaces these rows with its own, never the other way round.
    /// </summary>
    /// <param name="parameters">Per resource type key: the parameter as it applies to that type and its parameter key.</param>
    public async Task<(ReindexJob Job, List<IndexExtractionError> Errors)> ReindexBatchAsync(
        long jobId, IReadOnlyDictionary<short, (IndexedSearchParameter Parameter, int ParamId)> parameters, int batchSize, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new List<IndexExtractionError>();
        if (IsPostgres)
        {
            // A batch gives way rather than wait: a writer holding one of its heads while waiting
            // for another would otherwise deadlock with it, and PostgreSQL might abort the writer.
            await using var timeout = Command("SET LOCAL lock_timeout = '500ms'");
            await timeout.ExecuteNonQueryAsync(ct);
        }

        await using var select = Command($"SELECT {JobColumns} FROM reindex_jobs WHERE job_id = @job{(IsPostgres ? " FOR UPDATE" : "")}");
        Add(select, "job", jobId);
        var job = (await ReadJobsAsync(select, ct)).Single();
        if (!job.IsUnfinished)
        {
            return (job, errors);
        }

        var typeList = string.Join(", ", parameters.Keys.Select(k => k.ToString(CultureInfo.InvariantCulture)));
        var current = $"type_id IN ({typeList}) AND version > 0 AND deleted = @no";
        if (job.State == ReindexJob.Queued)
        {
            await using var count = Command($"SELECT COUNT(*) FROM resources WHERE {current}");
            Add(count, "no", false);
            job = job with { State = ReindexJob.Running, Total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) };
        }

        var keys = new List<long>();
        await using (var next = Command($"SELECT res_key FROM resources WHERE {current} AND res_key > @last ORDER BY res_key LIMIT @n{(IsPostgres ? " FOR UPDATE" : "")}"))
        {
            Add(next, "no", false);
            Add(next, "last", job.LastKey);
            Add(next, "n", batchSize);
            await using var reader = await next.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                keys.Add(reader.GetInt64(0));
            }
        }

        if (keys.Count == 0)
        {
            job = job with { State = ReindexJob.Done, Total = job.Processed };
        }
        else
        {
            var done = await IndexBatchAsync(keys, parameters, errors, ct);
            job = job with { LastKey = keys[^1], Processed = job.Processed + done };
        }

        await using var update = Command("UPDATE reindex_jobs SET state = @state, last_key = @last, processed = @processed, total = @total, updated_at = @now WHERE job_id = @job");
        Add(update, "state", job.State);
        Add(update, "last", job.LastKey);
        Add(update, "processed", job.Processed);
        Add(update, "total", job.Total);
        Add(update, "now", ToMicros(now));
        Add(update, "job", jobId);
        await update.ExecuteNonQueryAsync(ct);
        return (job, errors);
    }

    /// <summary>Replaces the parameter's rows of the locked <paramref name="keys"/> with rows
    /// extracted from their current versions (read after the lock, so never a stale one).</summary>
    private async Task<int> IndexBatchAsync(List<long> keys, IReadOnlyDictionary<short, (IndexedSearchParameter Parameter, int ParamId)> parameters, List<IndexExtractionError> errors, CancellationToken ct)
    {
        await using var read = Command("");
        var bind = new Binder(read);
        read.CommandText = "SELECT r.res_key, r.type_id, r.compartment_key, v.body FROM resources r JOIN resource_versions v ON v.res_key = r.res_key AND v.version = r.version"
            + $" WHERE r.version > 0 AND r.deleted = {bind.Value(false)} AND r.res_key IN ({string.Join(", ", keys.Select(k => bind.Value(k)))})";
        var rows = new List<(long Key, short TypeId, long? Compartment, byte[] Body)>();
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt16(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), (byte[])reader.GetValue(3)));
            }
        }

        foreach (var (typeId, (parameter, paramId)) in parameters)
        {
            await using var delete = Command("");
            var del = new Binder(delete);
            delete.CommandText = $"DELETE FROM {IndexTable(parameter.Type)} WHERE param_id = {del.Value(paramId)} AND res_key IN ({string.Join(", ", keys.Select(k => del.Value(k)))})";
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var row in rows)
        {
            var (parameter, paramId) = parameters[row.TypeId];
            var resource = Serialization.FhirFormat.Parse(row.Body, Serialization.FhirMediaType.Json);
            var entries = IndexExtractor.Extract(resource, [parameter]);
            errors.AddRange(entries.Errors);
            _pending.SetIndex(
                row.Key,
                row.Compartment,
                entries,
                code => code == parameter.Code ? paramId : null,
                type => type is not null && _store.TryTypeId(type, out var id) ? id : null);
        }

        return rows.Count;
    }

    private static string IndexTable(Hl7.Fhir.Model.SearchParamType type) => type switch
    {
        Hl7.Fhir.Model.SearchParamType.Token => "idx_token",
        Hl7.Fhir.Model.SearchParamType.String => "idx_string",
        Hl7.Fhir.Model.SearchParamType.Reference => "idx_reference",
        Hl7.Fhir.Model.SearchParamType.Date => "idx_date",
        Hl7.Fhir.Model.SearchParamType.Number => "idx_number",
        Hl7.Fhir.Model.SearchParamType.Quantity => "idx_quantity",
        Hl7.Fhir.Model.SearchParamType.Uri => "idx_uri",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an indexed parameter type"),
    };

    private static async Task<List<ReindexJob>> ReadJobsAsync(System.Data.Common.DbCommand cmd, CancellationToken ct)
    {
        var jobs = new List<ReindexJob>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            jobs.Add(new ReindexJob(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return jobs;
    }
}
