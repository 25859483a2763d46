using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Search;

/// <summary>
/// Where a page starts: the sort key values and the internal key of the row next to it (keyset
/// paging, never OFFSET, so no match is skipped or repeated while data changes). Forward cursors
/// continue after that row (<c>next</c>), backward ones before it (<c>previous</c>).
/// </summary>
/// <remarks>
/// Sent to clients as an opaque URL-safe <c>_page</c> token. The token carries a digest over its
/// payload and the search's sort order, so a token that was altered, cut short or used with another
/// <c>_sort</c> is a 400 instead of a query on values of the wrong type. Nothing in it needs to be
/// secret: every value is bound as a parameter and access checks run in SQL regardless.
/// </remarks>
public sealed record PageCursor(bool Backward, IReadOnlyList<object?> Values, long Key)
{
    private const int DigestBytes = 12;

    public string Encode(string type, IReadOnlyList<SortKey> sort)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteBooleanValue(Backward);
            json.WriteNumberValue(Key);
            foreach (var value in Values)
            {
                switch (value)
                {
                    case null:
                        json.WriteNullValue();
                        break;
                    case string s:
                        json.WriteStringValue("s" + s);
                        break;
                    case long l:
                        json.WriteStringValue("l" + l.ToString(CultureInfo.InvariantCulture));
                        break;
                    case double d:
                        json.WriteStringValue("f" + d.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case decimal m:
                        json.WriteStringValue("d" + m.ToString(CultureInfo.InvariantCulture));
                        break;
                    default:
                        throw new InvalidOperationException($"A sort value of type {value.GetType().Name} cannot go into a page token.");
                }
            }

            json.WriteEndArray();
        }

        var payload = buffer.ToArray();
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Digest(payload, type, sort));
    }

    /// <summary>Reads a <c>_page</c> token made by <see cref="Encode"/> for the same type and sort.</summary>
    public static PageCursor Decode(string token, string type, IReadOnlyList<SortKey> sort)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        byte[] payload;
        byte[] digest;
        try
        {
            payload = dot < 0 ? throw Invalid() : Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            digest = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            throw Invalid();
        }

        if (!CryptographicOperations.FixedTimeEquals(digest, Digest(payload, type, sort)))
        {
            throw Invalid();
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            var items = document.RootElement.EnumerateArray().ToList();
            if (items.Count != sort.Count + 2)
            {
                throw Invalid();
            }

            var values = new List<object?>();
            for (var i = 0; i < sort.Count; i++)
            {
                values.Add(ReadValue(items[i + 2], sort[i].Kind));
            }

            return new PageCursor(items[0].GetBoolean(), values, items[1].GetInt64());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
        {
            throw Invalid();
        }
    }

    private static object? ReadValue(JsonElement element, SortKind kind)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return kind is SortKind.Id or SortKind.LastUpdated ? throw Invalid() : null;
        }

        var text = element.GetString()!;
        var body = text.Length > 0 ? text[1..] : throw Invalid();
        return (text[0], kind) switch
        {
            ('s', SortKind.Id or SortKind.String or SortKind.Token or SortKind.Reference or SortKind.Uri) => body,
            ('l', SortKind.LastUpdated or SortKind.Date or SortKind.Number or SortKind.Quantity) => long.Parse(body, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            ('f', SortKind.Number or SortKind.Quantity) => double.Parse(body, NumberStyles.Float, CultureInfo.InvariantCulture),
            ('d', SortKind.Number or SortKind.Quantity) => decimal.Parse(body, NumberStyles.Number, CultureInfo.InvariantCulture),
            _ => throw Invalid(),
        };
    }

    private static byte[] Digest(byte[] payload, string type, IReadOnlyList<SortKey> sort)
    {
        var context = Encoding.UTF8.GetBytes(type + "?_sort=" + string.Join(',', sort));
        return SHA256.HashData([.. payload, 0, .. context])[..DigestBytes];
    }

    private static FhirOperationException Invalid() =>
        FhirOperationException.BadRequest("The _page token is not one this server made for this search (it was changed, cut short or belongs to another _sort); start again from the first page.");
}
