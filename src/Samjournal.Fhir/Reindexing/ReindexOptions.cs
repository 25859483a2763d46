namespace Samjournal.Fhir.Reindexing;

/// <summary>How the background reindex of custom SearchParameters paces itself.</summary>
/// <param name="BatchSize">Resources per batch; each batch is one short write transaction.</param>
/// <param name="BatchPause">Pause between batches, leaving the database to requests.</param>
/// <param name="PollInterval">How often an idle worker looks for jobs queued by another host.</param>
public sealed record ReindexOptions(int BatchSize = 500, TimeSpan BatchPause = default, TimeSpan? PollInterval = null)
{
    public TimeSpan Poll => PollInterval ?? TimeSpan.FromSeconds(5);
}
