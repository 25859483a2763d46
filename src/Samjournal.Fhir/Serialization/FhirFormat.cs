using System.Text;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Serialization;

public enum FhirMediaType
{
    Json,
    Xml,
}

/// <summary>
/// Parsing and writing FHIR JSON and XML with the Firely SDK. The parsers are strict: unknown
/// elements, wrong types and invalid primitive values are refused with a 400 that names them,
/// because a record must not silently drop what a sender wrote.
/// </summary>
public static class FhirFormat
{
    private static readonly FhirJsonDeserializer JsonParser = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict, null));
    private static readonly FhirXmlDeserializer XmlParser = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict, null));
    private static readonly FhirJsonDeserializer LenientJsonParser = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable, null));
    private static readonly FhirXmlDeserializer LenientXmlParser = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable, null));
    private static readonly FhirJsonSerializer JsonWriter = new();
    private static readonly FhirXmlSerializer XmlWriter = new();

    public static Resource Parse(ReadOnlySpan<byte> body, FhirMediaType type)
    {
        if (body.IsEmpty)
        {
            throw FhirOperationException.BadRequest("The request body is empty; a FHIR resource was expected.");
        }

        try
        {
            if (type == FhirMediaType.Json)
            {
                return BundleJsonParser.IsBundle(body)
                    ? BundleJsonParser.Parse(body, ParseJson)
                    : ParseJson(body);
            }

            using var xml = XmlOf(body);
            return XmlParser.DeserializeResource(xml);
        }
        catch (DeserializationFailedException e)
        {
            throw Refused(e.Exceptions.Select(x => x.Message));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or XmlException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw Refused([e.Message]);
        }
    }

    /// <summary>
    /// Reads a resource for <c>$validate</c>: structural problems the validator can describe better
    /// (missing required elements, invalid codes) do not stop it; only unreadable input does.
    /// </summary>
    public static Resource ParseForValidation(ReadOnlySpan<byte> body, FhirMediaType type)
    {
        try
        {
            if (type == FhirMediaType.Json)
            {
                var reader = new System.Text.Json.Utf8JsonReader(body);
                return LenientJsonParser.DeserializeResource(ref reader);
            }

            using var xml = XmlOf(body);
            return LenientXmlParser.DeserializeResource(xml);
        }
        catch (DeserializationFailedException e) when (e.PartialResult is Resource partial)
        {
            return partial;
        }
        catch (DeserializationFailedException e)
        {
            throw Refused(e.Exceptions.Select(x => x.Message));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or XmlException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw Refused([e.Message]);
        }
    }

    private static XmlReader XmlOf(ReadOnlySpan<byte> body) =>
        XmlReader.Create(new MemoryStream(body.ToArray()), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, CloseInput = true });

    private static Resource ParseJson(ReadOnlyMemory<byte> body) => ParseJson(body.Span);

    private static Resource ParseJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(body);
            return JsonParser.DeserializeResource(ref reader);
        }
        catch (DeserializationFailedException e)
        {
            throw Refused(e.Exceptions.Select(x => x.Message));
        }
    }

    public static Resource Parse(string body, FhirMediaType type) => Parse(Encoding.UTF8.GetBytes(body), type);

    public static T Parse<T>(ReadOnlySpan<byte> body, FhirMediaType type)
        where T : Resource =>
        Parse(body, type) as T ?? throw FhirOperationException.BadRequest($"Expected a {typeof(T).Name} resource.");

    public static byte[] ToJsonBytes(Base resource) => JsonWriter.SerializeToBytes(resource);

    public static byte[] ToBytes(Base resource, FhirMediaType type, Hl7.Fhir.Rest.SummaryType summary = Hl7.Fhir.Rest.SummaryType.False, string[]? elements = null) =>
        type == FhirMediaType.Json
            ? (summary == Hl7.Fhir.Rest.SummaryType.False && elements is null ? JsonWriter.SerializeToBytes(resource) : JsonWriter.SerializeToBytes(resource, summary, elements))
            : (summary == Hl7.Fhir.Rest.SummaryType.False && elements is null ? XmlWriter.SerializeToBytes(resource) : XmlWriter.SerializeToBytes(resource, summary, elements));

    private static FhirOperationException Refused(IEnumerable<string> problems)
    {
        var list = problems.Distinct(StringComparer.Ordinal).Take(20).ToList();
        return FhirOperationException.BadRequest("The resource could not be read: " + string.Join("; ", list));
    }
}
