using Hl7.Fhir.Model;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>What is being written, as hooks see it.</summary>
public sealed record WriteContext(string Type, string Id, VersionMethod Method, Resource? Resource, int Version);

/// <summary>Who is writing, as the audit record names them; hooks use it to say who did what
/// (who overrode a prescribing check, who reconciled a list).</summary>
public sealed record WriteAuthor(string Kind, string Subject, string? Name, string? HprNumber, string? Role, string? Organisation, string? Unit, string Purpose)
{
    /// <summary>The purpose of a system client migrating records from another system: what it
    /// brings was acted on there (results signed), so rules that make new work skip it.</summary>
    public const string HistoryImport = "history-import";
}

/// <summary>
/// A rule that runs inside the door, for every write from every path (REST, transactions,
/// imports, the web app). <see cref="BeforeWriteAsync"/> may refuse the write by throwing a
/// <see cref="Errors.FhirOperationException"/>; <see cref="AfterWriteAsync"/> runs in the same
/// database transaction, so a reaction (a sign-off task, an outbox message) is saved together
/// with the write or not at all. A reaction's own writes run the hooks too.
/// </summary>
public interface IWriteHook
{
    ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct);

    ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct);
}

/// <summary>
/// The write's own transaction, as a hook sees it. Reads see what this transaction wrote so far
/// and are not limited by the writer's access: the rule reads, not the person (a prescribing
/// check must see every allergy). Writes are made and audited in the same transaction.
/// </summary>
public interface IWriteTransaction
{
    /// <summary>Who is writing; null for the store's own upkeep.</summary>
    WriteAuthor? Author { get; }

    /// <summary>The current version of Type/id, or null when it does not exist or is deleted.
    /// During <see cref="IWriteHook.BeforeWriteAsync"/> that is the version being replaced.</summary>
    Task<Resource?> ReadAsync(string type, string id, CancellationToken ct);

    /// <summary>The current resources of <paramref name="type"/> matching FHIR search
    /// <paramref name="criteria"/> (as after the '?'), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Resource>> SearchAsync(string type, string criteria, int limit, CancellationToken ct);

    Task<StoredVersion> CreateAsync(Resource resource, CancellationToken ct);

    /// <summary>Writes <paramref name="resource"/> (which carries its id) as the next version.</summary>
    Task<StoredVersion> UpdateAsync(Resource resource, CancellationToken ct);

    /// <summary>An extra audit record in this transaction, naming the writer: a decision the
    /// write carries that an auditor must find on its own (an overridden prescribing stop).</summary>
    Task AuditAsync(string interaction, string what, string? patientId, string detail, CancellationToken ct);
}
