using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Interactions;

/// <summary>Patient/{id}/$everything.</summary>
internal sealed partial class FhirEngine
{
    /// <summary>One page of a patient's record, read from one snapshot. An unknown patient is a 404,
    /// a deleted one a 410, as a read of the Patient would be.</summary>
    public async Task<EverythingPage> EverythingAsync(RequestContext? context, EverythingRequest request, CancellationToken ct)
    {
        ResourceIds.RequireId(request.PatientId);
        foreach (var type in request.Types ?? [])
        {
            if (!ResourceIds.IsKnownType(type))
            {
                throw FhirOperationException.BadRequest($"_type '{ResourceIds.Truncate(type)}' is not a FHIR R4 resource type.");
            }
        }

        await using var session = await _store.SnapshotAsync(ct);
        session.Access = context?.Access;
        var head = await session.GetHeadAsync("Patient", request.PatientId, ct);
        if (head is not { Version: > 0 } patient)
        {
            throw FhirOperationException.NotFound($"Patient/{request.PatientId} does not exist.");
        }

        if (patient.Deleted)
        {
            throw FhirOperationException.Gone($"Patient/{request.PatientId} was deleted (version {patient.Version}); its history is still readable.");
        }

        if (!await session.PermitsAsync("Patient", patient.Key, ct))
        {
            throw RequestContext.NoAccess($"Patient/{request.PatientId}", patient.Key);
        }

        return await session.EverythingAsync(patient.Key, request, ct);
    }
}
