using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.Net.Http.Headers;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>FHIR's HTTP conventions: formats, Prefer, ETag, Last-Modified, Location.</summary>
internal static class FhirHttp
{
    public const string JsonType = "application/fhir+json";
    public const string XmlType = "application/fhir+xml";

    /// <summary>The response format from <c>_format</c>, else Accept, else JSON (http.html#mime-type).</summary>
    public static FhirMediaType ResponseFormat(HttpRequest request)
    {
        var format = request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            return FromName(format) ?? throw new FhirError(System.Net.HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported, $"_format '{format}' is not supported: use json or xml.");
        }

        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return FhirMediaType.Json;
        }

        foreach (var value in MediaTypeHeaderValue.ParseList(request.Headers.Accept.ToArray().OfType<string>().ToList()).OrderByDescending(v => v.Quality ?? 1))
        {
            var name = value.MediaType.ToString();
            if (name is "*/*" or "application/*")
            {
                return FhirMediaType.Json;
            }

            if (FromName(name) is { } known)
            {
                return known;
            }
        }

        throw new FhirError(System.Net.HttpStatusCode.NotAcceptable, OperationOutcome.IssueType.NotSupported, $"None of the accepted types ({accept}) is a FHIR format: accept application/fhir+json or application/fhir+xml.");
    }

    /// <summary>The request body's format from Content-Type; 415 for anything that is not FHIR.</summary>
    public static FhirMediaType RequestFormat(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            throw new FhirError(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, "The request has no Content-Type: send application/fhir+json or application/fhir+xml.");
        }

        var mediaType = MediaTypeHeaderValue.Parse(contentType).MediaType.ToString();
        return FromName(mediaType) ?? throw new FhirError(System.Net.HttpStatusCode.UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, $"Content-Type '{mediaType}' is not a FHIR format: send application/fhir+json or application/fhir+xml.");
    }

    private static FhirMediaType? FromName(string name) => name.ToLowerInvariant() switch
    {
        "json" or "application/json" or "application/fhir+json" or "application/json+fhir" => FhirMediaType.Json,
        "xml" or "application/xml" or "text/xml" or "application/fhir+xml" or "application/xml+fhir" => FhirMediaType.Xml,
        _ => null,
    };

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    public static async Task<Resource> ReadResourceAsync(HttpRequest request, CancellationToken ct)
    {
        var format = RequestFormat(request);
        return FhirFormat.Parse(await ReadBodyAsync(request, ct), format);
    }

    public static void SetVersionHeaders(HttpResponse response, StoredVersion version, bool location = false)
    {
        var v = version.Version.ToString(CultureInfo.InvariantCulture);
        response.Headers.ETag = $"W/\"{v}\"";
        response.Headers.LastModified = version.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
        if (location)
        {
            response.Headers.Location = $"{BaseUrl(response.HttpContext.Request)}/{version.Type}/{version.Id}/_history/{v}";
        }
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";

    /// <summary>Writes a stored version. JSON without summary or element filters is sent as stored,
    /// without parsing: the common read is a copy of bytes.</summary>
    public static async Task WriteStoredAsync(HttpContext context, StoredVersion version, int status = StatusCodes.Status200OK)
    {
        var request = context.Request;
        var format = ResponseFormat(request);
        var (summary, elements) = SummaryOptions(request);
        context.Response.StatusCode = status;
        MarkEmergencyAccess(context);
        if (format == FhirMediaType.Json && summary == SummaryType.False && elements is null)
        {
            context.Response.ContentType = JsonType + "; charset=utf-8";
            await context.Response.Body.WriteAsync(version.Json, context.RequestAborted);
            return;
        }

        var resource = FhirFormat.Parse(version.Json!, FhirMediaType.Json);
        await WriteResourceAsync(context, resource, status);
    }

    public static async Task WriteResourceAsync(HttpContext context, Base resource, int status = StatusCodes.Status200OK)
    {
        var format = ResponseFormat(context.Request);
        var (summary, elements) = SummaryOptions(context.Request);
        context.Response.StatusCode = status;
        MarkEmergencyAccess(context);
        context.Response.ContentType = (format == FhirMediaType.Json ? JsonType : XmlType) + "; charset=utf-8";
        await context.Response.Body.WriteAsync(FhirFormat.ToBytes(resource, format, summary, elements), context.RequestAborted);
    }

    /// <summary>The header name of the emergency-access banner.</summary>
    public const string EmergencyAccessHeader = "Samjournal-Emergency-Access";

    /// <summary>What this response shows rests on emergency access alone: the banner, as a header
    /// every client (the web app, SMART apps) can show.</summary>
    private static void MarkEmergencyAccess(HttpContext context)
    {
        if (context.RequestServices.GetService<Samjournal.Access.Repository.ScopedRepository>() is { EmergencyAccessInEffect: true })
        {
            context.Response.Headers[EmergencyAccessHeader] = "active; this record is open to you by emergency access (akuttilgang), which is logged and reviewed";
        }
    }

    private static (SummaryType Summary, string[]? Elements) SummaryOptions(HttpRequest request)
    {
        var summaryText = request.Query["_summary"].ToString();
        var summary = summaryText switch
        {
            "" or "false" => SummaryType.False,
            "true" => SummaryType.True,
            "text" => SummaryType.Text,
            "data" => SummaryType.Data,
            "count" => SummaryType.Count,
            _ => throw FhirError.BadRequest($"_summary '{summaryText}' is not one of true, text, data, count, false."),
        };
        var elementsText = request.Query["_elements"].ToString();
        string[]? elements = elementsText.Length == 0 ? null : elementsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (summary, elements);
    }

    /// <summary>The Prefer return preference (http.html#ops): representation unless asked otherwise.</summary>
    public static string ReturnPreference(HttpRequest request)
    {
        foreach (var part in request.Headers["Prefer"].ToString().Split([',', ';'], StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("return=", StringComparison.OrdinalIgnoreCase))
            {
                return part[7..].Trim('"').ToLowerInvariant();
            }
        }

        return "representation";
    }

    /// <summary><c>Prefer: handling=strict</c> (search.html#errors): refuse search parameters that
    /// cannot be answered instead of ignoring them; lenient is the default.</summary>
    public static bool PrefersStrictHandling(HttpRequest request) =>
        request.Headers["Prefer"].ToString().Split([',', ';'], StringSplitOptions.TrimEntries)
            .Any(part => part.Equals("handling=strict", StringComparison.OrdinalIgnoreCase));

    public static int? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        return value.Length == 0 ? null : Samjournal.Fhir.Interactions.ResourceIds.ParseVersionTag(value);
    }
}
