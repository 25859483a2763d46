using Npgsql;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Reindexing;

namespace Samjournal.Fhir.Interactions;

/// <summary>Custom SearchParameters: the store's catalog and the reindex jobs that make a new
/// parameter searchable over the resources written before it.</summary>
internal sealed partial class FhirEngine
{
    /// <summary>The store's parameters now: built-in plus custom (those still being indexed say so
    /// through <see cref="SearchParameterCatalog.Unavailable"/>).</summary>
    public SearchParameterCatalog SearchParameters => _registry.Catalog;

    /// <summary>Loads the custom parameters at start, before the host takes requests.</summary>
    public Task LoadSearchParametersAsync(CancellationToken ct) => _registry.ReloadAsync(ct);

    public Task<bool> WaitForReindexWorkAsync(TimeSpan timeout, CancellationToken ct) => _registry.WaitForWorkAsync(timeout, ct);

    /// <summary>The newest reindex job of SearchParameter/<paramref name="id"/>.</summary>
    public async Task<ReindexJob> ReindexStatusAsync(string id, CancellationToken ct)
    {
        ResourceIds.RequireId(id);
        await using var session = await _store.ReadAsync(ct);
        return await session.LatestJobAsync(id, ct)
            ?? throw FhirOperationException.NotFound($"SearchParameter/{id} has no reindex job: it does not exist, or it is not an active custom parameter.");
    }

    /// <summary>
    /// Runs one batch of the first unfinished reindex job. Returns false when there is nothing to
    /// do. Each batch is its own short write transaction, so requests keep flowing between them.
    /// </summary>
    public async Task<bool> ReindexStepAsync(int batchSize, CancellationToken ct)
    {
        var snapshot = _registry.Current;
        var (job, parameter) = snapshot.PendingJobs().FirstOrDefault();
        if (job is null)
        {
            return false;
        }

        await _registry.WaitForOlderWritesAsync(snapshot.Generation, ct);
        var parameters = new Dictionary<short, (IndexedSearchParameter, int)>();
        foreach (var type in parameter.Bases)
        {
            var typeId = _store.TypeId(type);
            if (snapshot.Catalog.Find(type, parameter.Code) is not { } indexed || !_store.TryParamId(typeId, parameter.Code, out var paramId))
            {
                await FailAsync(job, "the parameter has no key for " + type, ct);
                return true;
            }

            parameters[typeId] = (indexed, paramId);
        }

        try
        {
            ReindexJob updated;
            List<IndexExtractionError> errors;
            await using (var session = await _store.WriteAsync(ct))
            {
                (updated, errors) = await session.ReindexBatchAsync(job.Id, parameters, batchSize, _time.GetUtcNow(), ct);
                await session.CommitAsync(ct);
            }

            foreach (var error in errors)
            {
                LogMessages.IndexParameterFailed(_logger, "(reindex)", error.Param, error.ExceptionType);
            }

            _registry.ReportProgress(updated);
            if (!updated.IsUnfinished)
            {
                LogMessages.ReindexFinished(_logger, parameter.Code, updated.State, updated.Processed);
                await _registry.ReloadAsync(ct);
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            // Writers held heads of this batch; it rolled back whole and is retried after a pause.
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(job, e.GetType().Name, ct);
        }

        return true;
    }

    private async Task FailAsync(ReindexJob job, string error, CancellationToken ct)
    {
        await using (var session = await _store.WriteAsync(ct))
        {
            await session.FailJobAsync(job.Id, error, _time.GetUtcNow(), ct);
            await session.CommitAsync(ct);
        }

        LogMessages.ReindexFailed(_logger, job.Id, error);
        await _registry.ReloadAsync(ct);
    }

    private async Task SearchParametersChangedAsync(CancellationToken ct)
    {
        try
        {
            await _registry.ReloadAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The write is committed; the reindex worker reloads on its next poll.
            LogMessages.SearchParameterReloadFailed(_logger, e.GetType().Name);
        }
    }
}
