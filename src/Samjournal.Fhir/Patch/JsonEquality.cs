using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Samjournal.Fhir.Patch;

/// <summary>
/// Value equality as RFC 6902 section 4.6 defines it for <c>test</c>: numbers by numeric value
/// (so 1, 1.0 and 1e0 are equal), strings by code points, objects as unordered members, arrays in
/// order, and no coercion between kinds ("10" is not 10).
/// </summary>
internal static class JsonEquality
{
    public static bool AreEqual(JsonNode? left, JsonNode? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        var kind = left.GetValueKind();
        if (kind != right.GetValueKind())
        {
            // true and false are distinct kinds, as are null and everything else.
            return false;
        }

        return kind switch
        {
            JsonValueKind.Object => ObjectsEqual(left.AsObject(), right.AsObject()),
            JsonValueKind.Array => ArraysEqual(left.AsArray(), right.AsArray()),
            JsonValueKind.String => string.Equals(left.GetValue<string>(), right.GetValue<string>(), StringComparison.Ordinal),
            JsonValueKind.Number => NumbersEqual(left, right),
            _ => true,
        };
    }

    private static bool ObjectsEqual(JsonObject left, JsonObject right) =>
        left.Count == right.Count
        && left.All(member => right.TryGetPropertyValue(member.Key, out var other) && AreEqual(member.Value, other));

    private static bool ArraysEqual(JsonArray left, JsonArray right) =>
        left.Count == right.Count && left.Zip(right).All(pair => AreEqual(pair.First, pair.Second));

    private static bool NumbersEqual(JsonNode left, JsonNode right)
    {
        var l = left.ToJsonString();
        var r = right.ToJsonString();
        const NumberStyles style = NumberStyles.Float;
        if (decimal.TryParse(l, style, CultureInfo.InvariantCulture, out var ld)
            && decimal.TryParse(r, style, CultureInfo.InvariantCulture, out var rd))
        {
            return ld == rd;
        }

        // Beyond decimal's range: doubles are the best comparison left.
        return double.Parse(l, style, CultureInfo.InvariantCulture) == double.Parse(r, style, CultureInfo.InvariantCulture);
    }
}
