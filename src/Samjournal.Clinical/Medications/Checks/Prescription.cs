using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Dosing;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// A prescription as the checks see it: whose, which substance (and product, when named), the
/// structured dosage (or why there is none) and the overrides it carries.
/// </summary>
public sealed partial record Prescription(
    string? Reference,
    string PatientId,
    string Atc,
    LegemiddelMerkevare? Product,
    DosageRegimen? Dosage,
    string? DosageProblem,
    IReadOnlyList<PrescribingOverride> Overrides)
{
    /// <summary>Reads a MedicationRequest for <c>$check-prescription</c>. Refuses (422, naming the
    /// element) one that names no patient, no ATC code, or a drug the catalogue does not know.</summary>
    public static async Task<Prescription> ReadAsync(MedicationRequest request, MedicationCatalogue catalogue, IMedicationRecordSource record, CancellationToken ct)
    {
        var concept = await MedicationCodes.ConceptOfAsync(request.Medication, request, id => record.ReadAsync("Medication", id, ct));
        return Read(request, concept, catalogue);
    }

    /// <summary>
    /// Reads a MedicationRequest being written. One that names its drug only in another code system
    /// (RxNorm in an imported record, SNOMED CT) cannot be checked against this catalogue and is
    /// left to pass (null): refusing it would stop imports of other systems' records. One that
    /// names an ATC code or a catalogue product is read as strictly as by <see cref="ReadAsync"/>.
    /// </summary>
    public static async Task<Prescription?> ReadIfCodedAsync(MedicationRequest request, MedicationCatalogue catalogue, IMedicationRecordSource record, CancellationToken ct)
    {
        var concept = await MedicationCodes.ConceptOfAsync(request.Medication, request, id => record.ReadAsync("Medication", id, ct));
        var coded = concept?.Coding.Any(c => c.System is AtcCode.System or MedicationCodes.ProductSystem) == true;
        return coded ? Read(request, concept, catalogue) : null;
    }

    private static Prescription Read(MedicationRequest request, CodeableConcept? concept, MedicationCatalogue catalogue)
    {
        var patientId = PatientIdOf(request.Subject)
            ?? throw FhirError.Unprocessable("A prescription must name its patient: MedicationRequest.subject references Patient/{id}.", "MedicationRequest.subject");
        var (atc, product) = Drug(concept, catalogue);
        DosageRegimen? dosage = null;
        string? problem = null;
        if (request.DosageInstruction.Count == 0)
        {
            problem = "no dosageInstruction";
        }
        else
        {
            try
            {
                dosage = DosageFhir.FromFhir(request.DosageInstruction);
            }
            catch (DosageFormatException e)
            {
                problem = e.Message;
            }
        }

        return new Prescription(request.Id is null ? null : "MedicationRequest/" + request.Id, patientId, atc, product, dosage, problem, PrescribingOverride.From(request));
    }

    private static (string Atc, LegemiddelMerkevare? Product) Drug(CodeableConcept? concept, MedicationCatalogue catalogue)
    {
        const string Where = "MedicationRequest.medication";
        var codings = concept?.Coding ?? [];
        var productIds = codings.Where(c => string.Equals(c.System, MedicationCodes.ProductSystem, StringComparison.Ordinal)).Select(c => c.Code).Distinct().ToList();
        var atcCodes = codings.Where(c => string.Equals(c.System, AtcCode.System, StringComparison.Ordinal)).Select(c => c.Code).Distinct().ToList();
        if (productIds.Count > 1 || atcCodes.Count > 1)
        {
            throw FhirError.Unprocessable("The medication names more than one product or ATC code; name one drug per prescription.", Where);
        }

        LegemiddelMerkevare? product = null;
        if (productIds.Count == 1)
        {
            product = catalogue.Product(productIds[0] ?? "")
                ?? throw FhirError.Unprocessable($"Product '{productIds[0]}' ({MedicationCodes.ProductSystem}) is not in the medication catalogue.", Where);
        }

        var atc = atcCodes.Count == 1 ? atcCodes[0] : product?.Atc.Kode;
        if (atc is null)
        {
            throw FhirError.Unprocessable($"The medication has no ATC code: name the drug with medicationCodeableConcept coded in {AtcCode.System} (the substance, level 5).", Where);
        }

        if (AtcCode.Level(atc) != 5)
        {
            throw FhirError.Unprocessable($"'{atc}' is not an ATC substance code (level 5, like N02BE01); a prescription names one substance.", Where);
        }

        if (!catalogue.Knows(atc))
        {
            throw FhirError.Unprocessable($"ATC code {atc} is not in the medication catalogue, so the prescribing checks cannot check it.", Where);
        }

        if (product is not null && !string.Equals(product.Atc.Kode, atc, StringComparison.Ordinal))
        {
            throw FhirError.Unprocessable($"Product {product.Id} is {product.Atc.Kode}, but the prescription's ATC code is {atc}.", Where);
        }

        return (atc, product);
    }

    /// <summary>The patient id of a Patient reference (relative or absolute), or null.</summary>
    public static string? PatientIdOf(ResourceReference? reference)
    {
        var match = reference?.Reference is { } text ? PatientReference().Match(text) : Match.Empty;
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"(?:^|/)Patient/([A-Za-z0-9\-\.]{1,64})$")]
    private static partial Regex PatientReference();
}
