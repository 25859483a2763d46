using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>Turns demo table rows into FHIR resources; knows nothing about the region itself.</summary>
internal static class DemoResources
{
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static Condition Condition(
        CareProfile profile, ResourceReference patient, ResourceReference? encounter, ResourceReference author,
        DateOnly onset, DateOnly recorded, DateOnly? abated, bool inHospital) => new()
        {
            ClinicalStatus = profile.Ongoing
                ? DemoCodes.Concept(DemoCodes.ConditionClinical, "active", "Active")
                : DemoCodes.Concept(DemoCodes.ConditionClinical, "resolved", "Resolved"),
            VerificationStatus = DemoCodes.Concept(DemoCodes.ConditionVerification, "confirmed", "Confirmed"),
            Category = [inHospital
                ? DemoCodes.Concept(DemoCodes.ConditionCategory, "encounter-diagnosis", "Encounter Diagnosis")
                : DemoCodes.Concept(DemoCodes.ConditionCategory, "problem-list-item", "Problem List Item")],
            Code = DemoCodes.Concept(profile.Diagnosis),
            Subject = Copy(patient),
            Encounter = Copy(encounter),
            Onset = new FhirDateTime(Date(onset)),
            Abatement = abated is { } end ? new FhirDateTime(Date(end)) : null,
            RecordedDate = Date(recorded),
            Recorder = Copy(author),
            Asserter = Copy(author),
        };

    public static Resource Medication(
        DemoMedication medication, bool ongoing, ResourceReference patient, ResourceReference? encounter,
        ResourceReference prescriber, ResourceReference condition, DateOnly date)
    {
        var dosage = new Dosage { Text = medication.Dosage };
        if (!medication.Prescribed)
        {
            return new MedicationStatement
            {
                Status = ongoing ? MedicationStatement.MedicationStatusCodes.Active : MedicationStatement.MedicationStatusCodes.Completed,
                Medication = DemoCodes.Concept(medication.Drug),
                Subject = Copy(patient),
                Context = Copy(encounter),
                Effective = new Period { Start = Date(date) },
                DateAsserted = Date(date),
                InformationSource = Copy(patient),
                ReasonReference = [Copy(condition)],
                Dosage = [dosage],
            };
        }

        return new MedicationRequest
        {
            Status = ongoing ? MedicationRequest.MedicationrequestStatus.Active : MedicationRequest.MedicationrequestStatus.Completed,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = DemoCodes.Concept(medication.Drug),
            Subject = Copy(patient),
            Encounter = Copy(encounter),
            AuthoredOn = Date(date),
            Requester = Copy(prescriber),
            ReasonReference = [Copy(condition)],
            DosageInstruction = [dosage],
        };
    }

    public static Observation Lab(
        DemoLab lab, ResourceReference patient, ResourceReference? encounter, ResourceReference performer, DateOnly date) => new()
        {
            Status = ObservationStatus.Final,
            Category = [DemoCodes.Concept(DemoCodes.ObservationCategory, "laboratory", "Laboratory")],
            Code = DemoCodes.Concept(lab.Test),
            Subject = Copy(patient),
            Encounter = Copy(encounter),
            Effective = new FhirDateTime(Date(date)),
            Performer = [Copy(performer)],
            Value = Quantity(lab, lab.Value),
            Interpretation = [lab.InterpretationCode switch
            {
                "H" => DemoCodes.Concept(DemoCodes.Interpretation, "H", "High", "Høy"),
                "L" => DemoCodes.Concept(DemoCodes.Interpretation, "L", "Low", "Lav"),
                _ => DemoCodes.Concept(DemoCodes.Interpretation, "N", "Normal"),
            }],
            ReferenceRange = [new Observation.ReferenceRangeComponent
            {
                Low = lab.Low is { } low ? Quantity(lab, low) : null,
                High = lab.High is { } high ? Quantity(lab, high) : null,
            }],
        };

    public static AllergyIntolerance Allergy(DemoAllergy allergy, ResourceReference patient, ResourceReference recorder, DateOnly recorded) => new()
    {
        ClinicalStatus = DemoCodes.Concept(DemoCodes.AllergyClinical, "active", "Active"),
        VerificationStatus = DemoCodes.Concept(DemoCodes.AllergyVerification, "confirmed", "Confirmed"),
        Type = AllergyIntolerance.AllergyIntoleranceType.Allergy,
        Category = [allergy.Category],
        Criticality = allergy.Criticality,
        Code = DemoCodes.Concept(allergy.Substance),
        Patient = Copy(patient),
        RecordedDate = Date(recorded),
        Recorder = Copy(recorder),
        Reaction = [new AllergyIntolerance.ReactionComponent { Manifestation = [(CodeableConcept)allergy.Manifestation.DeepCopy()] }],
    };

    // References are copied so no two resources share (and could later mutate) one POCO.
    [return: NotNullIfNotNull(nameof(reference))]
    private static ResourceReference? Copy(ResourceReference? reference) => (ResourceReference?)reference?.DeepCopy();

    private static Quantity Quantity(DemoLab lab, decimal value) => new()
    {
        Value = value,
        Unit = lab.Unit,
        System = DemoCodes.Ucum,
        Code = lab.Ucum,
    };
}
