using Samjournal.Access.Repository;

namespace Samjournal.Access.Audit;

/// <summary>What an audited attempt was (IHE BALP / AuditEvent.action: C R U D E).</summary>
public enum AuditAction
{
    Create,
    Read,
    Update,
    Delete,
    Execute,
}

/// <summary>How it ended: success, refused by policy or sign-in, or failed.</summary>
public enum AuditOutcome
{
    Success,
    Denied,
    Failed,
}

/// <summary>
/// One audited attempt. <paramref name="Caller"/> is null when no valid token was presented.
/// <paramref name="What"/> is <c>Type/id</c> or the search query; <paramref name="Basis"/> the legal
/// basis (care relationship, emergency + reason, own access, parent, system).
/// </summary>
public sealed record AuditEntry(
    Caller? Caller,
    AuditAction Action,
    string Interaction,
    string What,
    string? PatientId,
    string Basis,
    AuditOutcome Outcome,
    string? Detail = null);

/// <summary>The append-only, hash-chained audit trail. Recording is awaited: a response that
/// disclosed data is sent only after its audit record is durable.</summary>
public interface IAuditTrail
{
    Task RecordAsync(AuditEntry entry, CancellationToken ct);
}
