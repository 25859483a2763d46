using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Demo;

/// <summary>
/// A piece of a plausible history: a diagnosis where it is treated, the medicines and lab tests
/// that go with it. Patients are built by listing profiles, so each history reads as one line.
/// </summary>
/// <param name="Ongoing">Chronic or still active; otherwise resolved (and its medicines completed).</param>
/// <param name="StayDays">Length of a hospital stay; 0 outside hospital.</param>
internal sealed record CareProfile(
    string Key,
    CareSetting Setting,
    DemoCode Diagnosis,
    bool Ongoing,
    int StayDays,
    DemoMedication[] Medications,
    DemoLab[] Labs);

/// <param name="Prescribed">
/// True: a MedicationRequest (e-resept) from the treating doctor. False: a MedicationStatement,
/// something the patient reports taking (typically non-prescription).
/// </param>
internal sealed record DemoMedication(DemoCode Drug, string Dosage, bool Prescribed = true);

/// <summary>A lab result with its UCUM unit and reference range; interpretation follows from them.</summary>
internal sealed record DemoLab(DemoCode Test, decimal Value, string Ucum, string Unit, decimal? Low, decimal? High)
{
    public string InterpretationCode =>
        Value < Low ? "L" : Value > High ? "H" : "N";
}

internal sealed record DemoAllergy(
    string Key,
    DemoCode Substance,
    AllergyIntolerance.AllergyIntoleranceCategory Category,
    AllergyIntolerance.AllergyIntoleranceCriticality Criticality,
    CodeableConcept Manifestation);

/// <summary>One patient of the demo region: who they are and which profiles make their history.</summary>
/// <param name="Gp">Staff key of the patient's GP (fastlege), or the nursing home doctor for
/// long-term residents, who leave their fastlege's list.</param>
internal sealed record DemoPatient(
    string Given,
    string Family,
    AdministrativeGender Gender,
    int Age,
    string Street,
    string Gp,
    string[] Profiles,
    string[] Allergies,
    string? AddressProtection = null);
