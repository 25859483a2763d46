using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// How a medication names its drug: an ATC coding (<see cref="AtcCode.System"/>) and optionally the
/// catalogue's product id (<see cref="ProductSystem"/>, FEST's LegemiddelMerkevare id). Allergies
/// may also be coded with a few SNOMED CT substances, mapped here to ATC.
/// </summary>
public static class MedicationCodes
{
    public const string ProductSystem = "https://samjournal.no/fhir/CodeSystem/fest-legemiddel";

    public const string Snomed = "http://snomed.info/sct";

    // SNOMED CT substances an allergy is commonly recorded with, and the ATC codes they cover.
    private static readonly Dictionary<string, string[]> SnomedToAtc = new(StringComparer.Ordinal)
    {
        ["373270004"] = ["J01C"], // penicillin class of antibiotic
        ["372687004"] = ["J01CA04"], // amoxicillin
        ["387207008"] = ["M01AE01"], // ibuprofen
        ["387458008"] = ["B01AC06", "N02BA01"], // acetylsalicylic acid, as antiplatelet and analgesic
        ["387517004"] = ["N02BE01"], // paracetamol
        ["372756006"] = ["B01AA03"], // warfarin
    };

    /// <summary>The ATC codes (any level) a concept names, directly or through the SNOMED map.</summary>
    public static IEnumerable<string> AtcCodesOf(CodeableConcept? concept)
    {
        foreach (var coding in concept?.Coding ?? [])
        {
            if (string.Equals(coding.System, AtcCode.System, StringComparison.Ordinal) && AtcCode.Level(coding.Code) > 0)
            {
                yield return coding.Code!;
            }
            else if (string.Equals(coding.System, Snomed, StringComparison.Ordinal) && coding.Code is not null && SnomedToAtc.TryGetValue(coding.Code, out var mapped))
            {
                foreach (var atc in mapped)
                {
                    yield return atc;
                }
            }
        }
    }

    /// <summary>The concept naming a medication resource's drug: its codeable concept, or the code
    /// of the Medication it references (contained, or read through <paramref name="read"/>).</summary>
    public static async Task<CodeableConcept?> ConceptOfAsync(DataType? medication, DomainResource owner, Func<string, Task<Resource?>> read)
    {
        switch (medication)
        {
            case CodeableConcept concept:
                return concept;
            case ResourceReference { Reference: { } reference } when reference.StartsWith('#'):
                return owner.Contained.OfType<Medication>().FirstOrDefault(m => string.Equals("#" + m.Id, reference, StringComparison.Ordinal))?.Code;
            case ResourceReference { Reference: { } reference } when reference.StartsWith("Medication/", StringComparison.Ordinal):
                return (await read(reference["Medication/".Length..]) as Medication)?.Code;
            default:
                return null;
        }
    }
}
