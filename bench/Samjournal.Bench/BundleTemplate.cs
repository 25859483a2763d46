using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Samjournal.Bench;

/// <summary>What the search queries need to know about one loaded patient.</summary>
internal sealed record PatientFacts(string Family, string IdentifierSystem, string IdentifierValue);

/// <summary>
/// A Synthea patient bundle cut into literal byte segments and slots (UUIDs, the Patient's family
/// names and identifier values), so that a clone is a concatenation: cheap enough to make on the fly
/// while ingesting 100 times the data, with no second copy of it in memory.
/// </summary>
internal sealed partial class BundleTemplate
{
    private enum SlotKind { Uuid, Family, IdentifierValue }

    private readonly byte[][] _literals;
    private readonly (SlotKind Kind, string Original)[] _slots;
    private readonly PatientFacts _facts;

    public string Name { get; }
    public int Entries { get; }

    /// <summary>(system, code) of the first coding of every Observation.code, one per Observation.</summary>
    public IReadOnlyList<(string System, string Code)> ObservationCodes { get; }

    private BundleTemplate(string name, int entries, byte[][] literals, (SlotKind, string)[] slots, PatientFacts facts, IReadOnlyList<(string, string)> codes)
    {
        Name = name;
        Entries = entries;
        _literals = literals;
        _slots = slots;
        _facts = facts;
        ObservationCodes = codes;
    }

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex WholeUuid();

    [GeneratedRegex("@@slot:(?<slot>[0-9]+)@@|(?<uuid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})")]
    private static partial Regex SlotOrUuid();

    public static bool IsUuid(string text) => WholeUuid().IsMatch(text);

    public PatientFacts Facts(int clone) => new(
        PatientClones.Family(_facts.Family, clone),
        _facts.IdentifierSystem,
        PatientClones.IdentifierValue(_facts.IdentifierValue, clone));

    public BundleFile Clone(int clone)
    {
        using var buffer = new MemoryStream(_literals.Sum(l => l.Length) + (_slots.Length * 40));
        for (var i = 0; i < _slots.Length; i++)
        {
            buffer.Write(_literals[i]);
            var (kind, original) = _slots[i];
            var value = kind switch
            {
                SlotKind.Uuid => PatientClones.Uuid(original, clone),
                SlotKind.Family => PatientClones.Family(original, clone),
                _ => PatientClones.IdentifierValue(original, clone),
            };
            // Slots sit inside JSON strings; family names may hold characters JSON escapes.
            buffer.Write(Encoding.UTF8.GetBytes(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value));
        }

        buffer.Write(_literals[^1]);
        return new BundleFile($"{Name} (clone {clone})", buffer.ToArray(), Entries);
    }

    public static BundleTemplate Create(BundleFile bundle)
    {
        var root = JsonNode.Parse(bundle.Json)!.AsObject();
        var slotValues = new List<(SlotKind Kind, string Original)>();
        string Placeholder(SlotKind kind, string original)
        {
            slotValues.Add((kind, original));
            return $"@@slot:{slotValues.Count - 1}@@";
        }

        PatientFacts? facts = null;
        var codes = new List<(string, string)>();
        foreach (var resource in (root["entry"]?.AsArray() ?? []).Select(e => e?["resource"]).OfType<JsonObject>())
        {
            var type = (string?)resource["resourceType"];
            if (type == "Patient" && facts is null)
            {
                facts = RewritePatient(resource, Placeholder);
            }
            else if (type == "Observation" && resource["code"]?["coding"]?[0] is JsonObject coding
                && (string?)coding["system"] is { } system && (string?)coding["code"] is { } code)
            {
                codes.Add((system, code));
            }
        }

        if (facts is null)
        {
            throw new InvalidOperationException($"{bundle.Name} has no Patient with a family name and an identifier to clone.");
        }

        var text = root.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var literals = new List<byte[]>();
        var slots = new List<(SlotKind, string)>();
        var at = 0;
        foreach (Match match in SlotOrUuid().Matches(text))
        {
            literals.Add(Encoding.UTF8.GetBytes(text[at..match.Index]));
            slots.Add(match.Groups["slot"].Success
                ? slotValues[int.Parse(match.Groups["slot"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture)]
                : (SlotKind.Uuid, match.Value));
            at = match.Index + match.Length;
        }

        literals.Add(Encoding.UTF8.GetBytes(text[at..]));
        return new BundleTemplate(bundle.Name, bundle.Entries, [.. literals], [.. slots], facts, codes);
    }

    /// <summary>Puts placeholders in the Patient's family names and identifier values; returns the original facts.</summary>
    private static PatientFacts? RewritePatient(JsonObject patient, Func<SlotKind, string, string> placeholder)
    {
        string? family = null;
        foreach (var name in (patient["name"]?.AsArray() ?? []).OfType<JsonObject>())
        {
            if ((string?)name["family"] is { } value)
            {
                // The official name is the one a clinician searches by; the maiden name is cloned too.
                if (family is null || (string?)name["use"] == "official")
                {
                    family = value;
                }

                name["family"] = placeholder(SlotKind.Family, value);
            }
        }

        (string System, string Value)? identifier = null;
        foreach (var id in (patient["identifier"]?.AsArray() ?? []).OfType<JsonObject>())
        {
            if ((string?)id["value"] is { } value && (string?)id["system"] is { } system)
            {
                // The medical record number: every Synthea patient has one, and it names one person.
                var isMrn = id["type"]?["coding"]?[0]?["code"]?.GetValue<string>() == "MR";
                if (identifier is null || isMrn)
                {
                    identifier = (system, value);
                }

                id["value"] = placeholder(SlotKind.IdentifierValue, value);
            }
        }

        return family is null || identifier is null ? null : new PatientFacts(family, identifier.Value.System, identifier.Value.Value);
    }
}
