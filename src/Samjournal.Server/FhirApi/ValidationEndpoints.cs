using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Validation;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// <c>$validate</c> against the base specification. The operation answers 200 with an
/// OperationOutcome whether or not the resource is valid; only a request that cannot be
/// validated at all is a 4xx.
/// </summary>
internal static class ValidationEndpoints
{
    public static async Task ValidateType(HttpContext http, IResourceValidator validator, string type)
    {
        ResourceIds.RequireType(type);
        var body = FhirFormat.ParseForValidation(await FhirHttp.ReadBodyAsync(http.Request, http.RequestAborted), FhirHttp.RequestFormat(http.Request));
        var outcome = ValidateOperation.Run(body, QueryParameters(http.Request), type, null, validator);
        await FhirHttp.WriteResourceAsync(http, outcome);
    }

    public static async Task ValidateInstance(HttpContext http, ScopedRepository repo, IResourceValidator validator, string type, string id)
    {
        var stored = await repo.ReadAsync(type, id, http.RequestAborted);
        var parameters = QueryParameters(http.Request);
        Resource? body = null;
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.ContentLength is > 0)
        {
            body = FhirFormat.ParseForValidation(await FhirHttp.ReadBodyAsync(http.Request, http.RequestAborted), FhirHttp.RequestFormat(http.Request));
        }

        // A posted Parameters carries the operation's inputs; otherwise the stored version is validated.
        var outcome = body is Parameters posted && type != "Parameters"
            ? ValidateOperation.Run(FhirFormat.Parse(stored.Json!, FhirMediaType.Json), Merge(posted, parameters), type, id, validator)
            : ValidateOperation.Run(body ?? FhirFormat.Parse(stored.Json!, FhirMediaType.Json), parameters, type, id, validator);
        await FhirHttp.WriteResourceAsync(http, outcome);
    }

    private static Parameters? QueryParameters(HttpRequest request)
    {
        var parameters = new Parameters();
        foreach (var name in new[] { "mode", "profile" })
        {
            var value = request.Query[name].ToString();
            if (value.Length > 0)
            {
                parameters.Parameter.Add(new Parameters.ParameterComponent { Name = name, Value = name == "mode" ? new Code(value) : new Canonical(value) });
            }
        }

        return parameters.Parameter.Count == 0 ? null : parameters;
    }

    private static Parameters Merge(Parameters posted, Parameters? query)
    {
        if (query is not null)
        {
            posted.Parameter.AddRange(query.Parameter.Where(q => posted.Parameter.All(p => p.Name != q.Name)));
        }

        return posted;
    }
}
