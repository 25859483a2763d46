using System.Globalization;
using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.MedicationList;

/// <summary>What a reconciliation wrote: the new current list version and its Provenance.</summary>
public sealed record ReconciliationResult(List List, Provenance Provenance);

/// <summary>
/// Legemiddelsamstemming: at admission, transfer or discharge a clinician compares the patient's
/// medication records with other sources and decides, per medication, keep, change, stop or new.
/// Everything it writes (the MedicationStatements, the new reconciled List version pointing at their
/// exact versions, and the Provenance saying who, when and against what) is one FHIR transaction
/// through the caller's door: all of it is saved, or nothing. Retiring the previous list happens in
/// that transaction too, by <see cref="ReconciledListRules"/>.
/// </summary>
public sealed class MedicationReconciliation(TimeProvider time)
{
    public async Task<ReconciliationResult> ReconcileAsync(ScopedRepository repo, string patientId, Parameters body, string baseUrl, CancellationToken ct)
    {
        var request = ReconciliationRequest.Parse(body);
        var reconciler = await CallerPractitioner.FindAsync(repo, "Medication reconciliation", ct);
        var patient = "Patient/" + patientId;
        await repo.ReadAsync("Patient", patientId, ct);
        var encounter = await ReadEncounterAsync(repo, request.Encounter, patient, ct);
        var existing = await ReadExistingAsync(repo, request.Decisions, patient, ct);
        await RequireEveryActiveStatementDecidedAsync(repo, patient, existing.Keys, ct);

        var now = time.GetUtcNow();
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        var list = new List
        {
            Id = NewId(),
            Status = List.ListStatus.Current,
            Mode = ListMode.Snapshot,
            Title = "Samstemt legemiddelliste",
            Code = new CodeableConcept(MedicationListCodes.ListCodeSystem, MedicationListCodes.ReconciledList, MedicationListCodes.ReconciledListDisplay),
            Subject = new ResourceReference(patient),
            Encounter = new ResourceReference(request.Encounter),
            DateElement = new FhirDateTime(now),
            Source = reconciler.Practitioner,
        };
        list.SetExtension(MedicationListCodes.OccasionExtension, new Code(request.Occasion));

        var medications = new List<ReconciledMedication>();
        foreach (var decision in request.Decisions)
        {
            var (statement, version) = Decide(decision, decision.Existing is null ? null : existing[decision.Existing], patient, request.Encounter, reconciler, now);
            var snapshot = ReconciledMedication.From(statement)!;
            medications.Add(snapshot);
            // A statement kept as it is is pointed at, not written again.
            var keptAsItIs = decision.Action == MedicationListCodes.Keep && decision.Existing!.StartsWith("MedicationStatement/", StringComparison.Ordinal);
            if (!keptAsItIs)
            {
                transaction.Entry.Add(Put(statement, version == 1 ? null : version - 1));
            }

            var entry = new List.EntryComponent
            {
                Item = new ResourceReference($"MedicationStatement/{statement.Id}/_history/{version.ToString(CultureInfo.InvariantCulture)}", snapshot.Name),
                DateElement = new FhirDateTime(now),
            };
            entry.SetExtension(MedicationListCodes.ActionExtension, new Code(decision.Action));
            entry.Extension.Add(snapshot.ToExtension());
            list.Entry.Add(entry);
        }

        if (list.Entry.Count == 0)
        {
            list.EmptyReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "Nil Known") { Text = "Bruker ingen legemidler" };
        }

        list.SetExtension(MedicationListCodes.HashExtension, new FhirString(ReconciledMedication.Hash(medications)));
        transaction.Entry.Add(Put(list, null));
        var provenance = ReconciliationProvenance.For(list, request, reconciler, encounter, now);
        transaction.Entry.Add(Put(provenance, null));

        await repo.ProcessBundleAsync(transaction, baseUrl, strictSearch: true, ct);
        list.Meta = new Meta { VersionId = "1" };
        provenance.Meta = new Meta { VersionId = "1" };
        return new ReconciliationResult(list, provenance);
    }

    private static async Task<Encounter> ReadEncounterAsync(ScopedRepository repo, string reference, string patient, CancellationToken ct)
    {
        var encounter = await ReadAsync(repo, reference, "encounter", ct) as Encounter;
        if (encounter?.Subject?.Reference != patient)
        {
            throw FhirError.Unprocessable($"{reference} is not a stay of {patient}.", "encounter");
        }

        return encounter;
    }

    /// <summary>The records decided about, as they are now.</summary>
    private static async Task<Dictionary<string, DomainResource>> ReadExistingAsync(
        ScopedRepository repo, IReadOnlyList<ReconciliationDecision> decisions, string patient, CancellationToken ct)
    {
        var existing = new Dictionary<string, DomainResource>(StringComparer.Ordinal);
        foreach (var decision in decisions.Where(d => d.Existing is not null))
        {
            var where = $"entry[{decision.Index}].medication";
            var record = await ReadAsync(repo, decision.Existing!, where, ct);
            var (subject, medication, status) = record switch
            {
                MedicationStatement s => (s.Subject?.Reference, s.Medication, s.Status == MedicationStatement.MedicationStatusCodes.EnteredInError ? "entered-in-error" : null),
                MedicationRequest r => (r.Subject?.Reference, r.Medication, r.Status == MedicationRequest.MedicationrequestStatus.EnteredInError ? "entered-in-error" : null),
                _ => (null, null, null),
            };
            if (subject != patient)
            {
                throw FhirError.Unprocessable($"Entry {decision.Index}: {decision.Existing} is not one of {patient}'s medications.", where);
            }

            if (Substance.Of(medication) is null)
            {
                throw FhirError.Unprocessable($"Entry {decision.Index}: {decision.Existing} names no medication (medicationCodeableConcept), so it cannot be reconciled.", where);
            }

            if (status is not null)
            {
                throw FhirError.Unprocessable($"Entry {decision.Index}: {decision.Existing} was entered in error; it cannot be kept, changed or stopped.", where);
            }

            existing[decision.Existing!] = (DomainResource)record;
        }

        return existing;
    }

    /// <summary>A reconciliation that silently leaves out a medication the patient uses is how a
    /// wrong list starts: every active MedicationStatement must be kept, changed or stopped.</summary>
    private static async System.Threading.Tasks.Task RequireEveryActiveStatementDecidedAsync(ScopedRepository repo, string patient, IEnumerable<string> decided, CancellationToken ct)
    {
        var seen = decided.ToHashSet(StringComparer.Ordinal);
        var active = await repo.FindAsync("MedicationStatement", $"subject={patient}&status=active", 1000, ct);
        var missing = active.OfType<MedicationStatement>().Where(s => !seen.Contains("MedicationStatement/" + s.Id)).ToList();
        if (missing.Count > 0)
        {
            throw FhirError.Unprocessable(
                "The reconciliation leaves out medications the patient uses; keep, change or stop each of them: "
                + string.Join(", ", missing.Select(s => $"MedicationStatement/{s.Id} ({Substance.Of(s.Medication)?.Name ?? "uten navn"})")) + ".",
                "entry");
        }
    }

    private static async Task<Resource> ReadAsync(ScopedRepository repo, string reference, string parameter, CancellationToken ct)
    {
        var parts = reference.Split('/');
        if (parts.Length != 2)
        {
            throw FhirError.BadRequest($"'{reference}' is not a reference of the form Type/id.", parameter);
        }

        try
        {
            var stored = await repo.ReadAsync(parts[0], parts[1], ct);
            return Samjournal.Fhir.Serialization.FhirFormat.Parse(stored.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json);
        }
        catch (FhirError e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            throw FhirError.Unprocessable($"{reference} ({parameter}) does not exist.", parameter);
        }
    }

    /// <summary>The MedicationStatement a decision results in, and the version it will have.</summary>
    private static (MedicationStatement Statement, int Version) Decide(
        ReconciliationDecision decision, DomainResource? existing, string patient, string encounter, CallerPractitioner reconciler, DateTimeOffset now)
    {
        MedicationStatement statement;
        var version = 1;
        switch (existing)
        {
            case MedicationStatement current:
                version = int.Parse(current.Meta?.VersionId ?? "1", CultureInfo.InvariantCulture);
                statement = decision.Action == MedicationListCodes.Change ? (MedicationStatement)decision.Resource!.DeepCopy() : current;
                statement.Id = current.Id;
                if (decision.Action != MedicationListCodes.Keep)
                {
                    version++;
                }

                break;
            case MedicationRequest prescription:
                // A prescription is what was prescribed; what the patient is to use is recorded as a
                // statement derived from it, so the list is one kind of record at exact versions.
                statement = decision.Action == MedicationListCodes.Change ? (MedicationStatement)decision.Resource!.DeepCopy() : FromPrescription(prescription);
                statement.Id = NewId();
                statement.DerivedFrom = [new ResourceReference("MedicationRequest/" + prescription.Id)];
                break;
            default:
                statement = (MedicationStatement)decision.Resource!.DeepCopy();
                statement.Id = NewId();
                break;
        }

        if (decision.Action == MedicationListCodes.Keep && existing is MedicationStatement)
        {
            return (statement, version);
        }

        statement.Meta = null;
        statement.Subject = new ResourceReference(patient);
        statement.Context = new ResourceReference(encounter);
        statement.InformationSource = reconciler.Practitioner;
        statement.DateAssertedElement = new FhirDateTime(now);
        if (decision.Action == MedicationListCodes.Stop)
        {
            statement.Status = MedicationStatement.MedicationStatusCodes.Stopped;
            statement.StatusReason = decision.Reason is null ? [] : [new CodeableConcept { Text = decision.Reason }];
        }
        else
        {
            statement.Status ??= MedicationStatement.MedicationStatusCodes.Active;
            if (decision.Reason is not null)
            {
                statement.Note.Add(new Annotation { Text = decision.Reason });
            }
        }

        return (statement, version);
    }

    private static MedicationStatement FromPrescription(MedicationRequest prescription) => new()
    {
        Status = MedicationStatement.MedicationStatusCodes.Active,
        Medication = (DataType)prescription.Medication.DeepCopy(),
        Dosage = prescription.DosageInstruction.Select(d => (Dosage)d.DeepCopy()).ToList(),
    };

    public static string OccasionWords(string occasion) => occasion switch
    {
        MedicationListCodes.Admission => "innleggelse",
        MedicationListCodes.Transfer => "overflytting",
        _ => "utskrivning",
    };

    private static Bundle.EntryComponent Put(Resource resource, int? ifMatch) => new()
    {
        Resource = resource,
        Request = new Bundle.RequestComponent
        {
            Method = Bundle.HTTPVerb.PUT,
            Url = $"{resource.TypeName}/{resource.Id}",
            IfMatch = ifMatch is { } v ? $"W/\"{v.ToString(CultureInfo.InvariantCulture)}\"" : null,
        },
    };

    private static string NewId() => Guid.NewGuid().ToString("N");
}
