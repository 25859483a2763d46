namespace Samjournal.Bench;

/// <summary>Everything measured for one backend.</summary>
internal sealed record BackendResult(
    string Backend,
    string Settings,
    IngestResult Ingest,
    double PeakRssMb,
    double HwmMb,
    StorageResult? Storage,
    IReadOnlyList<VolumeResult> Volumes,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Ingest into the now warm server (JIT done): the clones that took the data to the largest
    /// volume, or at 1x one clone of the patients loaded after the measurements.
    /// </summary>
    public IngestResult? WarmIngest { get; init; }

    public VolumeResult Base => Volumes[0];

    public VolumeResult? Scaled => Volumes.Count > 1 ? Volumes[^1] : null;

    /// <summary>Read by id at 1x, the figures the summary has always shown.</summary>
    public IEnumerable<QueryResult> Reads => Base.Queries.Where(q => q.Query == SearchQueries.ReadById.Name);
}

/// <summary>The database at one multiple of the Synthea volume and the queries measured on it.</summary>
internal sealed record VolumeResult(int Volume, long Resources, StorageResult? Storage, IReadOnlyList<QueryResult> Queries)
{
    public string Label => $"{Volume}x";

    public QueryResult? Find(string query, int clients) => Queries.FirstOrDefault(q => q.Query == query && q.Clients == clients);
}
