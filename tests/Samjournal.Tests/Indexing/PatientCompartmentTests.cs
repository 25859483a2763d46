using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;

namespace Samjournal.Tests.Indexing;

public class PatientCompartmentTests
{
    private static IReadOnlyList<string> PatientIds(Resource resource) =>
        PatientCompartment.PatientIds(resource, IndexExtractor.Extract(resource));

    [Fact]
    public void Observation_is_in_its_subject_and_patient_performers_compartments()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "15074-8"),
            Subject = new ResourceReference("Patient/p1"),
            Performer = [new ResourceReference("Practitioner/d1"), new ResourceReference("Patient/p2"), new ResourceReference("Patient/p1")],
        };

        Assert.Equal(["p1", "p2"], PatientIds(observation));
    }

    [Fact]
    public void Encounter_is_in_its_patients_compartment()
    {
        var encounter = new Encounter
        {
            Status = Encounter.EncounterStatus.Finished,
            Subject = new ResourceReference("Patient/p1"),
            Participant = [new Encounter.ParticipantComponent { Individual = new ResourceReference("Practitioner/d1") }],
        };

        Assert.Equal(["p1"], PatientIds(encounter));
    }

    [Fact]
    public void Patient_is_in_its_own_compartment_first()
    {
        var patient = new Patient
        {
            Id = "p1",
            Link = [new Patient.LinkComponent { Other = new ResourceReference("Patient/p0"), Type = Patient.LinkType.Replaces }],
        };

        Assert.Equal(["p1", "p0"], PatientIds(patient));
    }

    [Fact]
    public void Organization_is_in_no_patient_compartment()
    {
        var organization = new Organization { Id = "org1", Name = "Helse Nord" };

        Assert.Empty(PatientIds(organization));
    }

    [Fact]
    public void Unresolved_urn_references_put_nothing_in_a_compartment()
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "15074-8"),
            Subject = new ResourceReference("urn:uuid:9d3d1c5a-2b7e-4a9f-8f7e-0c1b2a3d4e5f"),
        };

        Assert.Empty(PatientIds(observation));
    }

    [Fact]
    public void Definition_matches_the_published_compartment()
    {
        Assert.Equal(66, PatientCompartmentDefinition.ParamsByType.Count);
        Assert.Equal(["subject", "performer"], PatientCompartmentDefinition.ParamsByType["Observation"]);
        Assert.Equal(["patient", "recorder", "asserter"], PatientCompartmentDefinition.ParamsByType["AllergyIntolerance"]);
        Assert.False(PatientCompartmentDefinition.ParamsByType.ContainsKey("Organization"));
    }
}
