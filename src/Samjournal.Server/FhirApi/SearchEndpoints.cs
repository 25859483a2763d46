using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// Type-level search (GET [type]?... and POST [type]/_search) and Patient compartment search over
/// HTTP. What the parameters mean and how the searchset looks is decided in Samjournal.Fhir.Search
/// (<see cref="SearchParameters"/>, <see cref="Searchset"/>), shared with search entries in
/// batches and transactions; this class only reads the request and writes the answer.
/// </summary>
internal static class SearchEndpoints
{
    public static Task Get(HttpContext http, ScopedRepository repo, string type) =>
        SearchAsync(http, repo, type, QueryOf(http.Request), compartment: null);

    /// <summary>Patient compartment search: <c>Patient/{id}/{type}?...</c>, the resources of that type
    /// filed under the patient (the compartment key written with each resource).</summary>
    public static Task GetInPatientCompartment(HttpContext http, ScopedRepository repo, string id, string type)
    {
        Samjournal.Fhir.Interactions.ResourceIds.RequireId(id);
        if (!Samjournal.Fhir.Indexing.PatientCompartmentDefinition.ParamsByType.ContainsKey(type) && type != "Patient")
        {
            throw FhirError.BadRequest($"{type} is not in the Patient compartment.");
        }

        return SearchAsync(http, repo, type, QueryOf(http.Request), compartment: id);
    }

    private static List<KeyValuePair<string, string>> QueryOf(HttpRequest request) =>
        request.Query.SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();

    public static async Task Post(HttpContext http, ScopedRepository repo, string type)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new FhirError(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "POST _search takes the parameters as application/x-www-form-urlencoded.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var parameters = http.Request.Query.Concat(form).SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))).ToList();
        await SearchAsync(http, repo, type, parameters, compartment: null);
    }

    private static async Task SearchAsync(HttpContext http, ScopedRepository repo, string type, List<KeyValuePair<string, string>> parameters, string? compartment)
    {
        var strict = FhirHttp.PrefersStrictHandling(http.Request);
        var search = SearchParameters.Parse(type, parameters, strict, compartment, repo.SearchParameters);
        var result = await repo.SearchAsync(search.Request, http.RequestAborted);
        var path = compartment is null ? type : $"Patient/{compartment}/{type}";
        var baseUrl = FhirHttp.BaseUrl(http.Request);

        // The entries are already shaped by _summary and _elements; the Bundle itself is not.
        var format = FhirHttp.ResponseFormat(http.Request);
        var body = (format == FhirMediaType.Json ? Searchset.TryBuildJson(baseUrl, path, parameters, search, result) : null)
            ?? FhirFormat.ToBytes(Searchset.Build(baseUrl, path, parameters, search, result), format);
        http.Response.ContentType = (format == FhirMediaType.Json ? FhirHttp.JsonType : FhirHttp.XmlType) + "; charset=utf-8";
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
