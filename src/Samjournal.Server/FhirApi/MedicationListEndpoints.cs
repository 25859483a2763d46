using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.MedicationList;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// The one medication list over FHIR. <c>GET /fhir/Patient/{id}/$medication-list</c>: the current
/// list across organisations as a List (LOINC 10160-0), one entry per substance with one
/// <c>medication-list-source</c> extension per record (record version, dosage words, organisation,
/// recorder). <c>POST /fhir/Patient/{id}/$reconcile-medications</c> with a Parameters body
/// (<c>occasion</c>, <c>encounter</c>, <c>source</c>..., <c>entry</c>... with <c>action</c>,
/// <c>medication</c>, <c>resource</c>, <c>reason</c>): answers 201 with a Parameters holding the new
/// reconciled <c>list</c> and its <c>provenance</c>.
/// </summary>
internal static class MedicationListEndpoints
{
    public static IReadOnlyList<CapabilityStatement.OperationComponent> PatientOperations { get; } =
    [
        new() { Name = "medication-list", Definition = "https://samjournal.no/fhir/OperationDefinition/Patient-medication-list" },
        new() { Name = "reconcile-medications", Definition = "https://samjournal.no/fhir/OperationDefinition/Patient-reconcile-medications" },
    ];

    public static void MapMedicationList(this IEndpointRouteBuilder fhir)
    {
        fhir.MapGet("/Patient/{id}/$medication-list", ListAsync).WithName("patient-medication-list");
        fhir.MapPost("/Patient/{id}/$reconcile-medications", ReconcileAsync).WithName("patient-reconcile-medications");
    }

    private static async Task ListAsync(HttpContext http, ScopedRepository repo, TimeProvider time, string id)
    {
        var list = await CurrentMedicationList.BuildAsync(repo, id, time.GetUtcNow(), http.RequestAborted);
        await FhirHttp.WriteResourceAsync(http, list);
    }

    private static async Task ReconcileAsync(HttpContext http, ScopedRepository repo, MedicationReconciliation reconciliation, string id)
    {
        var body = await FhirHttp.ReadResourceAsync(http.Request, http.RequestAborted);
        if (body is not Parameters parameters)
        {
            throw FhirError.BadRequest($"$reconcile-medications takes a Parameters body (occasion, encounter, source, entry); this is a {body.TypeName}.", "Resource.resourceType");
        }

        var result = await reconciliation.ReconcileAsync(repo, id, parameters, FhirHttp.BaseUrl(http.Request), http.RequestAborted);
        var answer = new Parameters();
        answer.Parameter.Add(new Parameters.ParameterComponent { Name = "list", Resource = result.List });
        answer.Parameter.Add(new Parameters.ParameterComponent { Name = "provenance", Resource = result.Provenance });
        http.Response.Headers.Location = $"{FhirHttp.BaseUrl(http.Request)}/{result.List.VersionedReference()}";
        await FhirHttp.WriteResourceAsync(http, answer, StatusCodes.Status201Created);
    }
}
