using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Patch;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// The write interactions of the FHIR REST API, each against one writer session so single
/// requests and bundle entries share exactly the same rules.
/// </summary>
internal static class Operations
{
    public static async Task<WriteOutcome> CreateAsync(ResourceWriter writer, Resource resource, string? ifNoneExist, CancellationToken ct)
    {
        ResourceIds.RequireType(resource.TypeName);
        if (!string.IsNullOrEmpty(ifNoneExist))
        {
            var matches = await writer.Session.FindIdsAsync(resource.TypeName, CriteriaParser.Parse(resource.TypeName, ifNoneExist.TrimStart('?'), writer.Catalog), 2, ct);
            if (matches.Count > 1)
            {
                throw FhirOperationException.PreconditionFailed($"If-None-Exist '{ifNoneExist}' matches more than one {resource.TypeName}; nothing was created.");
            }

            if (matches.Count == 1)
            {
                var existing = await writer.Session.ReadAsync(resource.TypeName, matches[0], null, ct)
                    ?? throw new InvalidOperationException("A matched resource disappeared inside its transaction.");
                return new WriteOutcome(HttpStatusCode.OK, existing, null);
            }
        }

        var stored = await writer.CreateAsync(resource, ct);
        return new WriteOutcome(HttpStatusCode.Created, stored, resource);
    }

    public static async Task<WriteOutcome> UpdateAsync(ResourceWriter writer, string type, string id, Resource resource, int? ifMatch, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        ResourceIds.RequireId(id);
        if (resource.TypeName != type)
        {
            throw FhirOperationException.BadRequest($"The body is a {resource.TypeName}, but the URL names {type}.", "Resource.resourceType");
        }

        if (resource.Id is null)
        {
            throw FhirOperationException.BadRequest($"An update must carry the id in the body: set \"id\": \"{id}\".", "Resource.id");
        }

        if (resource.Id != id)
        {
            throw FhirOperationException.BadRequest($"The body's id '{ResourceIds.Truncate(resource.Id)}' differs from the id '{id}' in the URL.", "Resource.id");
        }

        var head = await writer.Session.GetHeadAsync(type, id, ct);
        ResourceWriter.CheckVersion(type, id, head, ifMatch);
        var existed = head is { Version: > 0, Deleted: false };
        var stored = await writer.PutAsync(resource, head, ct);
        return new WriteOutcome(existed ? HttpStatusCode.OK : HttpStatusCode.Created, stored, resource);
    }

    public static async Task<WriteOutcome> ConditionalUpdateAsync(ResourceWriter writer, string type, string criteria, Resource resource, int? ifMatch, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        var matches = await writer.Session.FindIdsAsync(type, CriteriaParser.Parse(type, criteria, writer.Catalog), 2, ct);
        switch (matches.Count)
        {
            case > 1:
                throw FhirOperationException.PreconditionFailed($"The criteria '{ResourceIds.Truncate(criteria)}' match more than one {type}; nothing was changed. Make them more selective.");
            case 1:
                if (resource.Id is not null && resource.Id != matches[0])
                {
                    throw FhirOperationException.BadRequest($"The body's id '{ResourceIds.Truncate(resource.Id)}' differs from the matching {type}/{matches[0]}.", "Resource.id");
                }

                resource.Id = matches[0];
                return await UpdateAsync(writer, type, matches[0], resource, ifMatch, ct);
            default:
                if (resource.Id is null)
                {
                    return await CreateAsync(writer, resource, null, ct);
                }

                return await UpdateAsync(writer, type, resource.Id, resource, ifMatch, ct);
        }
    }

    public static async Task<WriteOutcome> DeleteAsync(ResourceWriter writer, string type, string id, int? ifMatch, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        ResourceIds.RequireId(id);
        var head = await writer.Session.GetHeadAsync(type, id, ct);
        ResourceWriter.CheckVersion(type, id, head, ifMatch);
        var tombstone = await writer.DeleteAsync(type, id, head, ct);
        return new WriteOutcome(HttpStatusCode.NoContent, tombstone, null);
    }

    public static async Task<WriteOutcome> ConditionalDeleteAsync(ResourceWriter writer, string type, string criteria, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        var matches = await writer.Session.FindIdsAsync(type, CriteriaParser.Parse(type, criteria, writer.Catalog), 2, ct);
        if (matches.Count > 1)
        {
            throw FhirOperationException.PreconditionFailed($"The criteria '{ResourceIds.Truncate(criteria)}' match more than one {type}; nothing was deleted.");
        }

        return matches.Count == 0
            ? new WriteOutcome(HttpStatusCode.NoContent, null, null)
            : await DeleteAsync(writer, type, matches[0], null, ct);
    }

    public static async Task<WriteOutcome> PatchAsync(ResourceWriter writer, string type, string id, PatchDocument patch, int? ifMatch, CancellationToken ct)
    {
        ResourceIds.RequireType(type);
        ResourceIds.RequireId(id);
        var current = await writer.Session.ReadAsync(type, id, null, ct);
        if (current is null)
        {
            throw FhirOperationException.NotFound($"{type}/{id} does not exist, so it cannot be patched.");
        }

        if (current.IsDeleted)
        {
            throw FhirOperationException.Gone($"{type}/{id} is deleted, so it cannot be patched.");
        }

        var patched = patch switch
        {
            JsonPatchDocument json => ParsePatched(JsonPatch.Apply(current.Json!, json.Operations)),
            FhirPathPatchDocument fhirPath => FhirPathPatch.Apply(FhirFormat.Parse(current.Json, FhirMediaType.Json), fhirPath.Operations),
            _ => throw new ArgumentOutOfRangeException(nameof(patch)),
        };

        if (patched.TypeName != type || patched.Id != id)
        {
            throw FhirOperationException.Unprocessable("A patch may not change the resource type or id.", "Resource.id");
        }

        return await UpdateAsync(writer, type, id, patched, ifMatch ?? current.Version, ct);
    }

    private static Resource ParsePatched(JsonNode node)
    {
        try
        {
            return FhirFormat.Parse(System.Text.Encoding.UTF8.GetBytes(node.ToJsonString()), FhirMediaType.Json);
        }
        catch (FhirOperationException e)
        {
            throw FhirOperationException.Unprocessable("The patched resource is not valid FHIR: " + e.Message);
        }
    }
}
