using Hl7.Fhir.Model;
using Samjournal.Clinical.MedicationList;
using Samjournal.Fhir.Interactions;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Summary;

/// <summary>
/// A signed discharge summary (epikrise) shows exactly the patient's current reconciled medication
/// list, on every path: <c>$sign</c>, a REST update, a transaction, an import. A final or amended
/// discharge summary is refused unless the current reconciled list was made at discharge from this
/// stay and its medication section is exactly what that list makes (same list version, same hash,
/// same text). Drafts (preliminary) and withdrawals (entered-in-error) are not checked.
/// </summary>
internal sealed class DischargeSummaryRules : IWriteHook
{
    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Resource is not Composition composition || !composition.IsDischargeSummary()
            || composition.Status is not (CompositionStatus.Final or CompositionStatus.Amended))
        {
            return;
        }

        var subject = composition.Subject?.Reference;
        if (subject is null || !subject.StartsWith("Patient/", StringComparison.Ordinal))
        {
            throw FhirError.Unprocessable("A discharge summary is about one patient: Composition.subject must reference a Patient.", "Composition.subject");
        }

        var list = await CurrentListAsync(transaction, subject, ct);
        RequireDischargeList(list, composition.Encounter?.Reference, subject);
        var sections = composition.Section.Where(s => s.IsMedicationSection()).ToList();
        if (sections.Count != 1)
        {
            throw FhirError.Unprocessable(
                $"A signed discharge summary has exactly one medication section (LOINC {MedicationSection.DischargeMedicationsCode}), made from the reconciled list at signing; this one has {sections.Count}. Use $sign.", "Composition.section");
        }

        MedicationSection.RequireMadeFrom(sections[0], list!);
    }

    public ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;

    private static async Task<List?> CurrentListAsync(IWriteTransaction transaction, string subject, CancellationToken ct) =>
        (await transaction.SearchAsync("List", ReconciledList.CurrentCriteria(subject), 2, ct)).OfType<List>().FirstOrDefault();

    /// <summary>Refuses (422) unless <paramref name="list"/> is a discharge reconciliation of <paramref name="encounter"/>.</summary>
    public static void RequireDischargeList(List? list, string? encounter, string subject)
    {
        if (encounter is null)
        {
            throw FhirError.Unprocessable("A discharge summary belongs to a stay: Composition.encounter must reference the Encounter being ended.", "Composition.encounter");
        }

        if (list is null)
        {
            throw FhirError.Unprocessable($"{subject} has no reconciled medication list. Reconcile the medications at discharge ($reconcile-medications, occasion discharge) before signing the discharge summary.");
        }

        if (list.Occasion() != MedicationListCodes.Discharge || list.Encounter?.Reference != encounter)
        {
            throw FhirError.Unprocessable(
                $"The medications have not been reconciled at discharge from {encounter}: the current reconciled list ({list.VersionedReference()}) was made at {MedicationReconciliation.OccasionWords(list.Occasion() ?? "")} for {list.Encounter?.Reference ?? "no stay"}. Reconcile at discharge ($reconcile-medications, occasion discharge) before signing.");
        }
    }
}
