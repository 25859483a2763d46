using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>Where the checks read the patient's record: inside a write's transaction (the whole
/// record, whoever writes) or through a caller's door (what that caller may see).</summary>
public interface IMedicationRecordSource
{
    Task<IReadOnlyList<Resource>> FindAsync(string type, string criteria, CancellationToken ct);

    Task<Resource?> ReadAsync(string type, string id, CancellationToken ct);
}

/// <summary>The record as a write hook sees it: every resource, including this transaction's writes.</summary>
public sealed class TransactionRecordSource(IWriteTransaction transaction) : IMedicationRecordSource
{
    private const int Limit = 1000;

    public Task<IReadOnlyList<Resource>> FindAsync(string type, string criteria, CancellationToken ct) => transaction.SearchAsync(type, criteria, Limit, ct);

    public Task<Resource?> ReadAsync(string type, string id, CancellationToken ct) => transaction.ReadAsync(type, id, ct);
}

/// <summary>The record as the signed-in caller may see it; every read is access-checked and audited.</summary>
public sealed class RepositoryRecordSource(ScopedRepository repository) : IMedicationRecordSource
{
    private const int Limit = 1000;

    public Task<IReadOnlyList<Resource>> FindAsync(string type, string criteria, CancellationToken ct) => repository.FindAsync(type, criteria, Limit, ct);

    public async Task<Resource?> ReadAsync(string type, string id, CancellationToken ct)
    {
        var stored = await repository.ReadAsync(type, id, ct);
        return stored.IsDeleted ? null : FhirFormat.Parse(stored.Json!, FhirMediaType.Json);
    }
}
