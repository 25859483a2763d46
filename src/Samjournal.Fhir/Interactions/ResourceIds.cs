using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Interactions;

/// <summary>Rules for resource types, logical ids and version ids (R4 datatypes.html#id).</summary>
public static partial class ResourceIds
{
    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();

    public static bool IsKnownType(string type) => ModelInfo.IsKnownResource(type) && type is not "Resource" and not "DomainResource";

    public static void RequireType(string type)
    {
        if (!IsKnownType(type))
        {
            throw FhirOperationException.NotFound($"'{type}' is not a FHIR R4 resource type.");
        }
    }

    public static void RequireId(string id)
    {
        if (!IdPattern().IsMatch(id))
        {
            throw FhirOperationException.BadRequest($"'{Truncate(id)}' is not a valid id: 1-64 letters, digits, '-' or '.'.", "Resource.id");
        }
    }

    /// <summary>A new server-assigned id: time-ordered (UUID v7), so new rows land together in indexes.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>Parses an ETag (<c>W/"3"</c>, <c>"3"</c> or <c>3</c>) into a version number.</summary>
    public static int ParseVersionTag(string etag)
    {
        var text = etag.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        text = text.Trim('"');
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0
            ? version
            : throw FhirOperationException.BadRequest($"'{Truncate(etag)}' is not a version ETag such as W/\"1\".");
    }

    public static string Truncate(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
