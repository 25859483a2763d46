using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Reindexing;

/// <summary>
/// One store's search parameters: the built-in catalog plus the store's active custom
/// SearchParameters, rebuilt from the database whenever one is written or a reindex job ends.
/// Writes index every active custom parameter at once (so nothing written during a reindex is
/// missed); searches use one only when its reindex job is done.
/// </summary>
internal sealed class SearchParameterRegistry(SqlStore store, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0);

    // Writes in flight per catalog generation: a reindex job waits until none that started before
    // its parameter was known is left, since those index without it and could commit behind the job.
    private readonly Dictionary<int, int> _writesByGeneration = [];
    private Snapshot _current = Snapshot.Empty;

    /// <summary>What one reload found: the catalog and the jobs it was built with.</summary>
    internal sealed record Snapshot(
        int Generation,
        SearchParameterCatalog Catalog,
        IReadOnlyList<CustomSearchParameter> Custom,
        IReadOnlyDictionary<string, ReindexJob> JobsByResource)
    {
        public static readonly Snapshot Empty = new(0, SearchParameterCatalog.Instance, [], new Dictionary<string, ReindexJob>());

        /// <summary>Unfinished jobs whose definition is still the SearchParameter's current one.</summary>
        public IEnumerable<(ReindexJob Job, CustomSearchParameter Parameter)> PendingJobs() =>
            Custom.Select(c => (Job: JobsByResource.GetValueOrDefault(c.ResourceId), Parameter: c))
                .Where(p => p.Job is { IsUnfinished: true } && p.Job.Definition == p.Parameter.Definition)
                .Select(p => (p.Job!, p.Parameter));
    }

    public Snapshot Current => Volatile.Read(ref _current);

    public SearchParameterCatalog Catalog => Current.Catalog;

    // Progress of running jobs, newer than the last reload: search reports it as it moves.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, ReindexJob> _progress = new();

    /// <summary>Reads the custom parameters and their jobs from the store and publishes a new catalog.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reloading.WaitAsync(ct);
        try
        {
            List<byte[]> bodies;
            List<ReindexJob> jobs;
            await using (var session = await store.ReadAsync(ct))
            {
                bodies = await session.CurrentSearchParametersAsync(ct);
                jobs = await session.LatestJobsAsync(ct);
                foreach (var (typeId, code, paramId) in await session.ParamIdsAsync(ct))
                {
                    store.RememberParamId(typeId, code, paramId);
                }
            }

            var custom = new List<CustomSearchParameter>();
            foreach (var body in bodies)
            {
                if (FhirFormat.Parse(body, FhirMediaType.Json) is not SearchParameter resource)
                {
                    continue;
                }

                try
                {
                    var parameter = CustomSearchParameter.FromResource(resource, SearchParameterCatalog.Instance, custom);
                    if (parameter.Active)
                    {
                        custom.Add(parameter);
                    }
                }
                catch (Errors.FhirOperationException)
                {
                    // Stored before a check that now refuses it (or clashing with an earlier one): not used.
                }
            }

            var byResource = jobs.ToDictionary(j => j.ResourceId, StringComparer.Ordinal);
            var byTypeAndCode = custom.SelectMany(c => c.Bases.Select(b => (Key: (b, c.Code), Parameter: c))).ToDictionary(p => p.Key, p => p.Parameter);
            var catalog = new SearchParameterCatalog(SearchParameterCatalog.Instance, custom, (type, code) =>
                byTypeAndCode.TryGetValue((type, code), out var parameter) ? UnavailableReason(parameter, byResource.GetValueOrDefault(parameter.ResourceId)) : null);
            lock (_gate)
            {
                _current = new Snapshot(_current.Generation + 1, catalog, custom, byResource);
            }

            if (_current.PendingJobs().Any())
            {
                _wake.Release();
            }
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Waits for reindex work, or until <paramref name="timeout"/> (to notice jobs queued by another host).</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void ReportProgress(ReindexJob job) => _progress[job.Id] = job;

    /// <summary>The catalog a write indexes with; pair with <see cref="ExitWrite"/>.</summary>
    public (SearchParameterCatalog Catalog, int Generation) EnterWrite()
    {
        lock (_gate)
        {
            var generation = _current.Generation;
            _writesByGeneration[generation] = _writesByGeneration.GetValueOrDefault(generation) + 1;
            return (_current.Catalog, generation);
        }
    }

    public void ExitWrite(int generation)
    {
        lock (_gate)
        {
            if (--_writesByGeneration[generation] == 0)
            {
                _writesByGeneration.Remove(generation);
            }
        }
    }

    /// <summary>Returns once no write that took its catalog before <paramref name="generation"/> is still running.</summary>
    public async Task WaitForOlderWritesAsync(int generation, CancellationToken ct)
    {
        while (true)
        {
            lock (_gate)
            {
                if (!_writesByGeneration.Keys.Any(g => g < generation))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, ct);
        }
    }

    private string? UnavailableReason(CustomSearchParameter parameter, ReindexJob? loaded)
    {
        var job = loaded is not null && _progress.TryGetValue(loaded.Id, out var live) ? live : loaded;
        if (job is null || job.Definition != parameter.Definition)
        {
            return $"Parameter '{parameter.Code}' is being indexed, 0 % done; it can be searched once its reindex is done (SearchParameter/{parameter.ResourceId}/$reindex-status).";
        }

        return job.State switch
        {
            ReindexJob.Done => null,
            ReindexJob.Failed => $"Parameter '{parameter.Code}' could not be indexed (its reindex failed); write the SearchParameter again to retry.",
            _ => $"Parameter '{parameter.Code}' is being indexed, {job.Percent} % done; it can be searched once its reindex is done (SearchParameter/{parameter.ResourceId}/$reindex-status).",
        };
    }
}
