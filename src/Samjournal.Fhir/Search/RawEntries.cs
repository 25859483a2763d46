using System.Buffers;
using System.Text.Json;

namespace Samjournal.Fhir.Search;

/// <summary>Puts stored resource bodies into a serialised Bundle whose first entries were written
/// without their resource: each goes in as <c>resource</c>, right after that entry's <c>fullUrl</c>.</summary>
public static class RawEntries
{
    public static byte[] Splice(byte[] bundleJson, IReadOnlyList<byte[]> resources)
    {
        using var document = JsonDocument.Parse(bundleJson);
        var buffer = new ArrayBufferWriter<byte>(bundleJson.Length + resources.Sum(r => r.Length) + 32);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "entry")
                {
                    property.WriteTo(writer);
                    continue;
                }

                writer.WriteStartArray("entry");
                var index = 0;
                foreach (var entry in property.Value.EnumerateArray())
                {
                    writer.WriteStartObject();
                    foreach (var field in entry.EnumerateObject())
                    {
                        field.WriteTo(writer);
                        if (field.Name == "fullUrl" && index < resources.Count)
                        {
                            // Written by this server at store time, so known to be valid JSON.
                            writer.WritePropertyName("resource");
                            writer.WriteRawValue(resources[index], skipInputValidation: true);
                        }
                    }

                    writer.WriteEndObject();
                    index++;
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
