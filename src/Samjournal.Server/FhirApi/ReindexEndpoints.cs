using Hl7.Fhir.Model;
using Samjournal.Access.Repository;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// <c>GET /fhir/SearchParameter/{id}/$reindex-status</c>: the progress of the newest reindex job of
/// a custom SearchParameter, as a <c>Parameters</c> resource with <c>state</c> (queued, running,
/// done, failed, cancelled), <c>processed</c> (resources indexed so far), <c>total</c> (the
/// estimate taken when the job started; exact once done), <c>percent</c> and, when failed,
/// <c>error</c>. Creating or changing an active custom SearchParameter starts a job; until it is
/// done, searches on the parameter are refused under <c>Prefer: handling=strict</c> and otherwise
/// ignored with an OperationOutcome entry giving the percentage. 404 when there is no job.
/// </summary>
internal static class ReindexEndpoints
{
    public static async Task Status(HttpContext http, ScopedRepository repo, string id)
    {
        var job = await repo.ReindexStatusAsync(id, http.RequestAborted);
        var parameters = new Parameters();
        parameters.Add("state", new Code(job.State));
        parameters.Add("processed", Count(job.Processed));
        parameters.Add("total", Count(job.Total));
        parameters.Add("percent", new Integer(job.Percent));
        if (job.Error is not null)
        {
            parameters.Add("error", new FhirString(job.Error));
        }

        await FhirHttp.WriteResourceAsync(http, parameters);
    }

    // R4 has no integer64 (R5 does); a count past two billion reads as the largest integer.
    private static Integer Count(long value) => new((int)Math.Min(value, int.MaxValue));
}
