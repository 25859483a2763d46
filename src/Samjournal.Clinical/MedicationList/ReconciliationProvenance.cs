using Hl7.Fhir.Model;

namespace Samjournal.Clinical.MedicationList;

/// <summary>The Provenance of a reconciliation: who reconciled (the Practitioner with their HPR
/// number, on behalf of their unit), when, against which sources (each an entity with role
/// source), targeting the exact list version it made.</summary>
internal static class ReconciliationProvenance
{
    public static Provenance For(List list, ReconciliationRequest request, CallerPractitioner reconciler, Encounter encounter, DateTimeOffset now)
    {
        var provenance = new Provenance
        {
            Id = Guid.NewGuid().ToString("N"),
            Target = [new ResourceReference($"List/{list.Id}/_history/1")],
            Occurred = new FhirDateTime(now),
            Recorded = now,
            Activity = new CodeableConcept(MedicationListCodes.ActivitySystem, MedicationListCodes.ReconciliationActivity, "Legemiddelsamstemming")
            {
                Text = $"Legemiddelsamstemming ved {MedicationReconciliation.OccasionWords(request.Occasion)}",
            },
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"),
                    Who = reconciler.Practitioner,
                    OnBehalfOf = reconciler.Unit ?? encounter.ServiceProvider,
                },
            ],
        };
        foreach (var source in request.Sources)
        {
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Source,
                What = source.Record ?? new ResourceReference
                {
                    Identifier = new Identifier(source.Coded!.System, source.Coded.Code),
                    Display = source.Coded.Display ?? source.Coded.Code,
                },
            });
        }

        return provenance;
    }
}
