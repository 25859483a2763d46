using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Audit;

/// <summary>
/// Writes audit records of reads, searches and denials durably before the response goes out.
/// Records from concurrent requests share one transaction (group commit), so auditing every read
/// costs one commit per batch, not one per read: on SQLite, with its single writer, one commit
/// per read would queue every reader behind the disk. Writes record their own audit rows in their
/// own transaction (see <see cref="RequestContext"/>); they do not pass through here.
/// </summary>
internal sealed partial class AuditTrail : IAuditTrail, IAsyncDisposable
{
    private const int MaxBatch = 1000;

    private readonly SqlStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AuditTrail(SqlStore store, TimeProvider time, ILogger<AuditTrail> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>One record to write; the patient is named by id (resolved to its key in the batch) or key.</summary>
    private sealed record Pending(AuditRow Row, string? PatientId, TaskCompletionSource Done);

    public Task RecordAsync(AuditEntry entry, CancellationToken ct)
    {
        var actor = ActorOf(entry.Caller, entry.Basis);
        var row = actor.Row(_time.GetUtcNow(), ActionCode(entry.Action), entry.Interaction, entry.What, null, (short)entry.Outcome, entry.Detail);
        return EnqueueAsync([new Pending(row, entry.PatientId, NewDone())]);
    }

    /// <summary>Records that <paramref name="disclosed"/> was shown: one record per patient whose
    /// record it came from, or one without a patient when none did.</summary>
    internal Task RecordDisclosureAsync(AuditActor actor, string interaction, string what, IEnumerable<StoredVersion> disclosed, IReadOnlyDictionary<long, string>? bases = null)
    {
        var now = _time.GetUtcNow();
        var patients = disclosed.Select(v => v.CompartmentKey).Distinct().ToList();
        var pending = (patients.Count == 0 ? [null] : patients)
            .Select(patient => new Pending(
                actor.Row(now, "R", interaction, what, patient) with { Basis = patient is { } p && bases?.TryGetValue(p, out var basis) == true ? basis : actor.Basis },
                null,
                NewDone()))
            .ToList();
        return EnqueueAsync(pending);
    }

    /// <summary>Records an attempt the policy refused, naming the patient whose record it was.</summary>
    internal Task RecordDenialAsync(AuditActor actor, string interaction, string what, long? patientKey, string reason) =>
        EnqueueAsync([new Pending(actor.Row(_time.GetUtcNow(), "R", interaction, what, patientKey, (short)AuditOutcome.Denied, reason) with { Basis = "none" }, null, NewDone())]);

    /// <summary>The audit name of a caller under a legal basis.</summary>
    internal static AuditActor ActorOf(Caller? caller, string basis) => caller is null
        ? new AuditActor("anonymous", "anonymous", null, null, null, null, null, "none", basis)
        : new AuditActor(
            caller.Kind.ToString().ToLowerInvariant(), caller.Subject, caller.Name, caller.HprNumber, caller.Role,
            caller.OrganisationNumber, caller.UnitOrganisationNumber, caller.Purpose, basis);

    internal static string ActionCode(AuditAction action) => action switch
    {
        AuditAction.Create => "C",
        AuditAction.Read => "R",
        AuditAction.Update => "U",
        AuditAction.Delete => "D",
        _ => "E",
    };

    private static TaskCompletionSource NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task EnqueueAsync(IReadOnlyList<Pending> records)
    {
        foreach (var record in records)
        {
            if (!_queue.Writer.TryWrite(record))
            {
                throw new InvalidOperationException("The audit trail is shut down; nothing is disclosed without its audit record.");
            }
        }

        // Not cancellable on purpose: once queued, the record is written whether or not the client waits.
        await Task.WhenAll(records.Select(r => r.Done.Task));
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await using (var session = await _store.WriteAsync(CancellationToken.None))
                {
                    foreach (var pending in batch)
                    {
                        var row = pending.PatientId is null
                            ? pending.Row
                            : pending.Row with { PatientKey = await session.KeyOfAsync("Patient", pending.PatientId, CancellationToken.None) };
                        session.AppendAudit(row);
                    }

                    await session.CommitAsync(CancellationToken.None);
                }

                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception e)
            {
                // The requests waiting on these records fail: nothing is disclosed unaudited.
                LogWriteFailed(_logger, batch.Count, e.GetType().Name);
                batch.ForEach(p => p.Done.TrySetException(new InvalidOperationException("The audit record could not be written; the request is refused.", e)));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} audit records failed ({ExceptionType}); their requests were refused")]
    private static partial void LogWriteFailed(ILogger logger, int count, string exceptionType);
}
