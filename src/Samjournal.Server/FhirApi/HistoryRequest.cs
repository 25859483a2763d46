using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>The history interaction's parameters and its Bundle (http.html#history).</summary>
internal static class HistoryRequest
{
    public const int DefaultCount = 50;
    public const int MaxCount = 1000;

    public static HistoryQuery Parse(HttpRequest request, string? type, string? id)
    {
        var count = DefaultCount;
        var countText = request.Query["_count"].ToString();
        if (countText.Length > 0 && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
        {
            throw FhirError.BadRequest($"_count '{countText}' is not a positive whole number.");
        }

        return new HistoryQuery(type, id, Instant(request, "_since"), Instant(request, "_at"), Math.Min(count, MaxCount), Cursor(request));
    }

    private static DateTimeOffset? Instant(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return FhirDateRange.TryParse(text, out var start, out _)
            ? start
            : throw FhirError.BadRequest($"{name} '{text}' is not an instant such as 2024-05-01T12:00:00Z.");
    }

    private static long? Cursor(HttpRequest request)
    {
        var text = request.Query["_page"].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor)
            ? cursor
            : throw FhirError.BadRequest($"_page '{text}' is not a page cursor from a previous history response.");
    }

    public static Bundle ToBundle(HttpRequest request, HistoryPage page)
    {
        var baseUrl = FhirHttp.BaseUrl(request);
        var bundle = new Bundle { Type = Bundle.BundleType.History, Id = Guid.CreateVersion7().ToString() };
        var self = $"{baseUrl}{request.Path.Value!["/fhir".Length..]}{request.QueryString}";
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = self });
        if (page.NextCursor is { } next)
        {
            var parameters = request.Query
                .Where(q => q.Key != "_page")
                .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
                .Append($"_page={next.ToString(CultureInfo.InvariantCulture)}");
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = $"{baseUrl}{request.Path.Value!["/fhir".Length..]}?{string.Join('&', parameters)}" });
        }

        foreach (var version in page.Versions)
        {
            var v = version.Version.ToString(CultureInfo.InvariantCulture);
            var entry = new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{version.Type}/{version.Id}",
                Request = new Bundle.RequestComponent
                {
                    Method = version.Method switch
                    {
                        VersionMethod.Create => Bundle.HTTPVerb.POST,
                        VersionMethod.Delete => Bundle.HTTPVerb.DELETE,
                        _ => Bundle.HTTPVerb.PUT,
                    },
                    Url = version.Method == VersionMethod.Create ? version.Type : $"{version.Type}/{version.Id}",
                },
                Response = new Bundle.ResponseComponent
                {
                    Status = version.Method switch
                    {
                        VersionMethod.Create => "201 Created",
                        VersionMethod.Delete => "204 No Content",
                        _ => "200 OK",
                    },
                    Etag = $"W/\"{v}\"",
                    LastModified = version.LastUpdated,
                    Location = $"{version.Type}/{version.Id}/_history/{v}",
                },
            };
            if (version.Json is not null)
            {
                entry.Resource = FhirFormat.Parse(version.Json, FhirMediaType.Json);
            }

            bundle.Entry.Add(entry);
        }

        return bundle;
    }
}
