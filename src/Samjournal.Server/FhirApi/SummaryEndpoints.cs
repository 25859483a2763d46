using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Summary;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// <c>POST /fhir/Composition/{id}/$sign</c>: signs a discharge summary, making its medication
/// section from the current reconciled list (answers with the signed Composition).
/// <c>GET /fhir/Patient/{id}/$critical-info</c>: kritisk informasjon as a Parameters resource
/// (protectedAddress, emergencyAccessInEffect, allergy..., criticalCondition..., emergencyAccess...,
/// criticalResult... with task and result parts).
/// </summary>
internal static class SummaryEndpoints
{
    public static IReadOnlyList<CapabilityStatement.OperationComponent> PatientOperations { get; } =
        [new() { Name = "critical-info", Definition = "https://samjournal.no/fhir/OperationDefinition/Patient-critical-info" }];

    public static IReadOnlyList<CapabilityStatement.OperationComponent> CompositionOperations { get; } =
        [new() { Name = "sign", Definition = "https://samjournal.no/fhir/OperationDefinition/Composition-sign" }];

    public static void MapSummaries(this IEndpointRouteBuilder fhir)
    {
        fhir.MapPost("/Composition/{id}/$sign", SignAsync).WithName("composition-sign");
        fhir.MapGet("/Patient/{id}/$critical-info", CriticalInfoAsync).WithName("patient-critical-info");
    }

    private static async Task SignAsync(HttpContext http, ScopedRepository repo, DischargeSummarySigning signing, string id)
    {
        var outcome = await signing.SignAsync(repo, id, http.RequestAborted);
        FhirHttp.SetVersionHeaders(http.Response, outcome.Version!);
        await FhirHttp.WriteStoredAsync(http, outcome.Version!);
    }

    private static async Task CriticalInfoAsync(HttpContext http, ScopedRepository repo, string id)
    {
        var summary = await CriticalInformation.ReadAsync(repo, id, http.RequestAborted);
        await FhirHttp.WriteResourceAsync(http, summary);
    }
}
