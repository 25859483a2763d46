namespace Samjournal.Fhir.Reindexing;

/// <summary>
/// The progress of indexing one custom SearchParameter definition over the resources that
/// existed when it was made. <see cref="LastKey"/> is the last internal resource key done:
/// resources are walked in key order, so a restart continues after it.
/// </summary>
public sealed record ReindexJob(long Id, string ResourceId, string Definition, string State, long LastKey, long Processed, long Total, string? Error)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Done = "done";
    public const string Failed = "failed";

    /// <summary>A newer definition of the same SearchParameter (or its deletion) replaced this one.</summary>
    public const string Cancelled = "cancelled";

    public bool IsUnfinished => State is Queued or Running;

    /// <summary>Done share of the estimate; 99 at most until the job is done, since resources
    /// written meanwhile can make the estimate low.</summary>
    public int Percent => State == Done ? 100 : Total <= 0 ? 0 : (int)Math.Min(99, Processed * 100 / Total);
}
