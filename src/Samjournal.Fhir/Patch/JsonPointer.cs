using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Samjournal.Fhir.Patch;

/// <summary>
/// An RFC 6901 JSON Pointer, decoded into its reference tokens. The empty pointer refers to the
/// whole document.
/// </summary>
internal sealed class JsonPointer
{
    private JsonPointer(string text, string[] tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    public string Text { get; }

    public IReadOnlyList<string> Tokens { get; }

    public bool IsRoot => Tokens.Count == 0;

    public string Last => Tokens[^1];

    /// <summary>Parses <paramref name="text"/>, or returns null when it is not a JSON Pointer.</summary>
    public static JsonPointer? TryParse(string text)
    {
        if (text.Length == 0)
        {
            return new JsonPointer(text, []);
        }

        if (text[0] != '/')
        {
            return null;
        }

        var tokens = new List<string>();
        var token = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '/')
            {
                tokens.Add(token.ToString());
                token.Clear();
            }
            else if (c == '~')
            {
                // Only ~0 and ~1 are escapes; decoding left to right keeps "~01" as "~1".
                var next = i + 1 < text.Length ? text[i + 1] : '\0';
                if (next == '0')
                {
                    token.Append('~');
                }
                else if (next == '1')
                {
                    token.Append('/');
                }
                else
                {
                    return null;
                }

                i++;
            }
            else
            {
                token.Append(c);
            }
        }

        tokens.Add(token.ToString());
        return new JsonPointer(text, [.. tokens]);
    }

    /// <summary>True when this pointer names a location strictly inside <paramref name="other"/>.</summary>
    public bool IsProperChildOf(JsonPointer other) =>
        Tokens.Count > other.Tokens.Count && other.Tokens.SequenceEqual(Tokens.Take(other.Tokens.Count), StringComparer.Ordinal);

    /// <summary>
    /// Walks every token but the last from <paramref name="root"/>, returning the container that
    /// holds the target, or null with <paramref name="error"/> set when a step does not exist.
    /// </summary>
    public JsonNode? FindParent(JsonNode? root, out string? error)
    {
        var current = root;
        for (var i = 0; i < Tokens.Count - 1; i++)
        {
            if (!TryGetChild(current, Tokens[i], out current))
            {
                error = $"'{Prefix(i + 1)}' does not exist";
                return null;
            }
        }

        if (current is not JsonObject and not JsonArray)
        {
            error = $"'{Prefix(Tokens.Count - 1)}' is not an object or array";
            return null;
        }

        error = null;
        return current;
    }

    /// <summary>Resolves the whole pointer; false when the target does not exist.</summary>
    public bool TryResolve(JsonNode? root, out JsonNode? value)
    {
        value = root;
        foreach (var token in Tokens)
        {
            if (!TryGetChild(value, token, out value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// An existing array index: "0" or digits without a leading zero, below <paramref name="count"/>
    /// (or equal to it when <paramref name="allowEnd"/>, for insertion at the end).
    /// </summary>
    public static bool TryParseIndex(string token, int count, bool allowEnd, out int index)
    {
        index = -1;
        if (token.Length == 0 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
        {
            return false;
        }

        if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index))
        {
            return false;
        }

        return index < count || (allowEnd && index == count);
    }

    public override string ToString() => Text;

    private static bool TryGetChild(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        switch (node)
        {
            case JsonObject obj:
                return obj.TryGetPropertyValue(token, out child);
            case JsonArray array when TryParseIndex(token, array.Count, allowEnd: false, out var index):
                child = array[index];
                return true;
            default:
                return false;
        }
    }

    private string Prefix(int tokenCount)
    {
        if (tokenCount == 0)
        {
            return string.Empty;
        }

        var prefix = new StringBuilder();
        foreach (var token in Tokens.Take(tokenCount))
        {
            prefix.Append('/').Append(token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }

        return prefix.ToString();
    }
}
