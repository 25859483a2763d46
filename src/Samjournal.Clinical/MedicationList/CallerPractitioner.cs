using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Identifiers;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.MedicationList;

/// <summary>The signed-in member of staff as the record knows them: the Practitioner with their
/// HPR number, and the unit they work at. Reconciling and signing are acts of a named person.</summary>
public sealed record CallerPractitioner(ResourceReference Practitioner, ResourceReference? Unit)
{
    public static async Task<CallerPractitioner> FindAsync(ScopedRepository repo, string act, CancellationToken ct)
    {
        var caller = repo.Caller;
        if (caller.Kind != CallerKind.Staff || string.IsNullOrEmpty(caller.HprNumber))
        {
            throw FhirError.Forbidden($"{act} is done by health personnel signed in with an HPR number.");
        }

        var practitioner = (await repo.FindAsync("Practitioner", $"identifier={NorwegianSystems.HprNummer}|{caller.HprNumber}", 2, ct)).FirstOrDefault()
            ?? throw FhirError.Forbidden($"{act} needs the signed-in person's Practitioner (HPR {caller.HprNumber}) in the record; it is not there.");
        var reference = new ResourceReference("Practitioner/" + practitioner.Id, caller.Name)
        {
            Identifier = new Identifier(NorwegianSystems.HprNummer, caller.HprNumber),
        };

        ResourceReference? unit = null;
        if (caller.UnitOrganisationNumber is { } number
            && (await repo.FindAsync("Organization", $"identifier={NorwegianSystems.Organisasjonsnummer}|{number}", 2, ct)).FirstOrDefault() is Organization organisation)
        {
            unit = new ResourceReference("Organization/" + organisation.Id, organisation.Name);
        }

        return new CallerPractitioner(reference, unit);
    }
}
