using Hl7.Fhir.Model;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>What is being written, as hooks see it.</summary>
public sealed record WriteContext(string Type, string Id, VersionMethod Method, Resource? Resource, int Version);

/// <summary>
/// A rule that runs inside the door, for every write from every path (REST, transactions,
/// imports, the web app). <see cref="BeforeWriteAsync"/> may refuse the write by throwing a
/// <see cref="Errors.FhirOperationException"/>; <see cref="AfterWriteAsync"/> runs in the same
/// database transaction, so a reaction (a sign-off task, an outbox message) is saved together
/// with the write or not at all.
/// </summary>
public interface IWriteHook
{
    ValueTask BeforeWriteAsync(WriteContext write, CancellationToken ct);

    ValueTask AfterWriteAsync(WriteContext write, IWriteReactions reactions, CancellationToken ct);
}

/// <summary>Writes a hook may make in the same transaction as the write it reacts to.</summary>
public interface IWriteReactions
{
    Task<StoredVersion> CreateAsync(Resource resource, CancellationToken ct);
}
