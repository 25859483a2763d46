namespace Samjournal.Bench;

/// <summary>Everything measured for one backend.</summary>
internal sealed record BackendResult(
    string Backend,
    string Settings,
    IngestResult Ingest,
    double PeakRssMb,
    double HwmMb,
    StorageResult? Storage,
    IReadOnlyList<ReadResult> Reads,
    IReadOnlyList<string> Notes)
{
    /// <summary>The same bundles ingested again into the now warm server (JIT done), new ids.</summary>
    public IngestResult? WarmIngest { get; init; }
}
