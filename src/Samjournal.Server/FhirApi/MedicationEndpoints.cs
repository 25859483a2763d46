using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Medications;
using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Checks;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// The prescribing checks as FHIR operations, so the web app and other clients get the same
/// answers the write path gives. <c>POST /fhir/MedicationRequest/$check-prescription</c> with a
/// MedicationRequest (or a Parameters resource holding it as <c>resource</c>) answers 200 with an
/// OperationOutcome of the findings, saving nothing. The patient's record is read through the
/// caller's door, so access rules apply and the reads are audited.
/// <c>GET /fhir/$medication-catalogue?name=</c> finds products in the catalogue, as Medication
/// resources coded with ATC and the product id.
/// </summary>
internal static class MedicationEndpoints
{
    /// <summary>Samjournal's own operation; named here for the CapabilityStatement.</summary>
    public const string CheckPrescriptionDefinition = "https://samjournal.no/fhir/OperationDefinition/MedicationRequest-check-prescription";

    private const int MaxProducts = 100;

    public static void MapMedicationChecks(this IEndpointRouteBuilder fhir)
    {
        fhir.MapPost("/MedicationRequest/$check-prescription", CheckPrescriptionAsync).WithName("check-prescription");
        fhir.MapGet("/$medication-catalogue", Catalogue).WithName("medication-catalogue");
    }

    private static async Task CheckPrescriptionAsync(HttpContext http, ScopedRepository repo, MedicationCatalogue catalogue)
    {
        var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        var request = body switch
        {
            MedicationRequest given => given,
            Parameters parameters => parameters.Parameter.FirstOrDefault(p => p.Name == "resource")?.Resource as MedicationRequest
                ?? throw FhirError.BadRequest("$check-prescription takes a Parameters body with the MedicationRequest as parameter 'resource'.", "resource"),
            _ => throw FhirError.BadRequest($"$check-prescription takes a MedicationRequest (or Parameters with 'resource'); this is a {body.TypeName}.", "Resource.resourceType"),
        };

        var source = new RepositoryRecordSource(repo);
        var prescription = await Prescription.ReadAsync(request, catalogue, source, http.RequestAborted);
        // The patient must exist and be the caller's to see; otherwise this answers 404 or 403, never
        // "no findings" from a record the caller cannot read.
        await repo.ReadAsync("Patient", prescription.PatientId, http.RequestAborted);
        var record = await MedicationRecord.LoadAsync(source, prescription.PatientId, prescription.Reference, http.RequestAborted);
        var findings = PrescribingChecks.Run(prescription, record, catalogue);
        await FhirHttp.WriteResourceAsync(http, PrescribingOutcome.From(findings));
    }

    private static Task Catalogue(HttpContext http, MedicationCatalogue catalogue)
    {
        var name = http.Request.Query["name"].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(name) || name.Length < 2)
        {
            throw FhirError.BadRequest("$medication-catalogue needs 'name': at least two letters of the product or substance name, or an ATC code.", "name");
        }

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset };
        foreach (var product in catalogue.Search(name.Trim()).OrderBy(p => p.NavnFormStyrke, StringComparer.Ordinal).Take(MaxProducts))
        {
            bundle.Entry.Add(new Bundle.EntryComponent { Resource = ToMedication(product), Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        }

        bundle.Total = bundle.Entry.Count;
        return FhirHttp.WriteResourceAsync(http, bundle);
    }

    private static Medication ToMedication(LegemiddelMerkevare product) => new()
    {
        Id = product.Id,
        Code = new CodeableConcept
        {
            Coding =
            [
                new Coding(AtcCode.System, product.Atc.Kode, product.Atc.Navn),
                new Coding(MedicationCodes.ProductSystem, product.Id, product.NavnFormStyrke),
            ],
            Text = product.NavnFormStyrke,
        },
        Form = new CodeableConcept { Text = product.Legemiddelform },
        Ingredient = [.. product.Virkestoff.Select(v => new Medication.IngredientComponent
        {
            Item = new CodeableConcept { Text = v.Virkestoff },
            IsActive = true,
            Strength = new Ratio(new Quantity { Value = v.Styrke.Verdi, Unit = v.Styrke.Enhet }, new Quantity { Value = 1, Unit = product.Legemiddelform }),
        })],
    };
}
