using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.MedicationList;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Summary;

/// <summary>
/// Signing a discharge summary (<c>$sign</c>): the medication section is made from the patient's
/// current reconciled list at that moment, the signer becomes the legal attester, and the
/// Composition becomes final (or amended, when signed again after a new reconciliation). Without a
/// discharge reconciliation for the stay, signing is refused and the reconciliation is put on the
/// ward's worklist as a Task, so it is done rather than forgotten.
/// </summary>
public sealed class DischargeSummarySigning(TimeProvider time)
{
    public async Task<WriteOutcome> SignAsync(ScopedRepository repo, string compositionId, CancellationToken ct)
    {
        var stored = await repo.ReadAsync("Composition", compositionId, ct);
        var composition = (Composition)Samjournal.Fhir.Serialization.FhirFormat.Parse(stored.Json!, Samjournal.Fhir.Serialization.FhirMediaType.Json);
        if (!composition.IsDischargeSummary())
        {
            throw FhirError.Unprocessable($"$sign makes discharge summaries (Composition.type LOINC {MedicationSection.DischargeSummaryCode}); Composition/{compositionId} is not one.", "Composition.type");
        }

        if (composition.Status == CompositionStatus.EnteredInError)
        {
            throw FhirError.Unprocessable($"Composition/{compositionId} was entered in error and cannot be signed.", "Composition.status");
        }

        var signer = await CallerPractitioner.FindAsync(repo, "Signing a discharge summary", ct);
        var patient = composition.Subject?.Reference;
        if (patient is null || !patient.StartsWith("Patient/", StringComparison.Ordinal))
        {
            throw FhirError.Unprocessable("A discharge summary is about one patient: Composition.subject must reference a Patient.", "Composition.subject");
        }

        var list = (await repo.FindAsync("List", ReconciledList.CurrentCriteria(patient), 2, ct)).OfType<List>().FirstOrDefault();
        try
        {
            DischargeSummaryRules.RequireDischargeList(list, composition.Encounter?.Reference, patient);
        }
        catch (FhirError) when (composition.Encounter?.Reference is { } encounter)
        {
            var task = await ReconciliationDueAsync(repo, patient, encounter, signer, ct);
            throw FhirError.Unprocessable(
                $"The discharge summary cannot be signed before the medications are reconciled at discharge from {encounter}. The reconciliation is on the ward's worklist as Task/{task}.",
                "Composition.section");
        }

        var now = time.GetUtcNow();
        composition.Status = composition.Status is CompositionStatus.Final or CompositionStatus.Amended ? CompositionStatus.Amended : CompositionStatus.Final;
        composition.DateElement = new FhirDateTime(now);
        composition.Attester.RemoveAll(a => a.Mode == Composition.CompositionAttestationMode.Legal);
        composition.Attester.Add(new Composition.AttesterComponent
        {
            Mode = Composition.CompositionAttestationMode.Legal,
            TimeElement = new FhirDateTime(now),
            Party = signer.Practitioner,
        });
        composition.Section.RemoveAll(s => s.IsMedicationSection());
        composition.Section.Add(MedicationSection.Build(list!));
        return await repo.UpdateAsync("Composition", compositionId, composition, stored.Version, ct);
    }

    /// <summary>The open reconciliation Task for the stay, made if there is none; its id.</summary>
    private async Task<string> ReconciliationDueAsync(ScopedRepository repo, string patient, string encounterReference, CallerPractitioner signer, CancellationToken ct)
    {
        var open = await repo.FindAsync("Task",
            $"code={WorkItemTypes.System}|{WorkItemTypes.Reconciliation}&focus={encounterReference}&status=requested,ready,in-progress", 1, ct);
        if (open.FirstOrDefault() is { Id: { } existing })
        {
            return existing;
        }

        var parts = encounterReference.Split('/');
        var encounter = parts.Length == 2 ? (await repo.FindAsync("Encounter", "_id=" + parts[1], 1, ct)).FirstOrDefault() as Encounter : null;
        var task = new Hl7.Fhir.Model.Task
        {
            Status = Hl7.Fhir.Model.Task.TaskStatus.Requested,
            Intent = Hl7.Fhir.Model.Task.TaskIntent.Order,
            Priority = RequestPriority.Urgent,
            Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.Reconciliation, WorkItemTypes.Display(WorkItemTypes.Reconciliation)),
            Description = "Legemiddelsamstemming ved utskrivning mangler; epikrisen kan ikke signeres før den er gjort.",
            Focus = new ResourceReference(encounterReference),
            For = new ResourceReference(patient),
            Encounter = new ResourceReference(encounterReference),
            // Every work item has an owner: the ward of the stay, or else the signer's unit.
            Owner = encounter?.ServiceProvider ?? signer.Unit,
            Requester = signer.Practitioner,
            AuthoredOnElement = new FhirDateTime(time.GetUtcNow()),
        };
        task.Input.Add(new Hl7.Fhir.Model.Task.ParameterComponent
        {
            Type = new CodeableConcept(MedicationListCodes.OccasionSystem, MedicationListCodes.Discharge),
            Value = new Code(MedicationListCodes.Discharge),
        });
        var created = await repo.CreateAsync(task, null, ct);
        return created.Version?.Id ?? "";
    }
}
