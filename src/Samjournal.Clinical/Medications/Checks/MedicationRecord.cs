using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>An allergy or intolerance the checks must respect, with the ATC codes (any level) it covers.</summary>
public sealed record RecordedAllergy(string Reference, IReadOnlyList<string> AtcCodes, string Display);

/// <summary>A medication the patient has now: an active prescription or a statement of use.</summary>
public sealed record ActiveMedication(string Reference, string Atc, bool IsPrescription);

/// <summary>What the checks need from the patient's record.</summary>
public sealed record MedicationRecord(IReadOnlyList<RecordedAllergy> Allergies, IReadOnlyList<ActiveMedication> Medications)
{
    private const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    private const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

    /// <summary>
    /// Reads the patient's allergies and current medications. An allergy counts unless it is
    /// refuted, entered in error, inactive or resolved: an unconfirmed allergy still stops.
    /// Prescriptions count while active or on hold; statements while active, intended or on hold,
    /// unless they are based on the prescription being checked (the same therapy).
    /// </summary>
    public static async Task<MedicationRecord> LoadAsync(IMedicationRecordSource source, string patientId, string? prescriptionBeingChecked, CancellationToken ct)
    {
        var patient = "Patient/" + patientId;
        var allergies = new List<RecordedAllergy>();
        foreach (var allergy in (await source.FindAsync("AllergyIntolerance", $"patient={patient}", ct)).OfType<AllergyIntolerance>())
        {
            if (Has(allergy.VerificationStatus, AllergyVerification, "refuted", "entered-in-error") || Has(allergy.ClinicalStatus, AllergyClinical, "inactive", "resolved"))
            {
                continue;
            }

            var codes = MedicationCodes.AtcCodesOf(allergy.Code).Distinct().ToList();
            if (codes.Count > 0)
            {
                allergies.Add(new RecordedAllergy("AllergyIntolerance/" + allergy.Id, codes, allergy.Code?.Text ?? allergy.Code?.Coding.FirstOrDefault()?.Display ?? codes[0]));
            }
        }

        var medications = new List<ActiveMedication>();
        foreach (var request in (await source.FindAsync("MedicationRequest", $"subject={patient}&status=active,on-hold", ct)).OfType<MedicationRequest>())
        {
            var reference = "MedicationRequest/" + request.Id;
            if (!string.Equals(reference, prescriptionBeingChecked, StringComparison.Ordinal) && await SubstanceAsync(request.Medication, request, source, ct) is { } atc)
            {
                medications.Add(new ActiveMedication(reference, atc, IsPrescription: true));
            }
        }

        foreach (var statement in (await source.FindAsync("MedicationStatement", $"subject={patient}&status=active,intended,on-hold", ct)).OfType<MedicationStatement>())
        {
            var sameTherapy = prescriptionBeingChecked is not null && statement.BasedOn.Any(b => string.Equals(b.Reference, prescriptionBeingChecked, StringComparison.Ordinal));
            if (!sameTherapy && await SubstanceAsync(statement.Medication, statement, source, ct) is { } atc)
            {
                medications.Add(new ActiveMedication("MedicationStatement/" + statement.Id, atc, IsPrescription: false));
            }
        }

        return new MedicationRecord(allergies, medications);
    }

    // Medications without an ATC substance code (older imports) cannot take part in the checks.
    private static async Task<string?> SubstanceAsync(DataType? medication, DomainResource owner, IMedicationRecordSource source, CancellationToken ct)
    {
        var concept = await MedicationCodes.ConceptOfAsync(medication, owner, id => source.ReadAsync("Medication", id, ct));
        return MedicationCodes.AtcCodesOf(concept).FirstOrDefault(c => AtcCode.Level(c) == 5);
    }

    private static bool Has(CodeableConcept? status, string system, params string[] codes) =>
        status?.Coding.Any(c => (c.System is null || string.Equals(c.System, system, StringComparison.Ordinal)) && codes.Contains(c.Code, StringComparer.Ordinal)) == true;
}
