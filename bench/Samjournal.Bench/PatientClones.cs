using System.Globalization;

namespace Samjournal.Bench;

/// <summary>
/// How clone k of a Synthea patient differs from the original (clone 0 is the original): every UUID
/// (fullUrls, urn:uuid references, resource ids, UUID-valued identifiers) gets a clone-specific
/// first group, other Patient identifier values a "-k" suffix, family names a clone-specific prefix.
/// The same function gives the bundle text and the values the search queries ask for, so queries
/// always name data that was loaded.
/// </summary>
internal static class PatientClones
{
    // Family search matches by prefix ("starts with"), so clones get a prefix rather than a suffix:
    // a suffix would make the original's name match all its clones. Three syllables for every clone
    // keep prefixes the same length, so no clone's prefix is a prefix of another's.
    private static readonly string[] Syllables = ["Ka", "Lo", "Mi", "Ne", "Su", "Ta", "Vi", "Ro", "Be", "Da"];

    public static string Uuid(string uuid, int clone)
    {
        if (clone == 0)
        {
            return uuid;
        }

        // XOR of the first 32 bits with a per-clone odd multiple: distinct clones give distinct masks,
        // and two UUIDs only collide if their other 96 bits are equal.
        var first = uint.Parse(uuid.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture) ^ unchecked((uint)clone * 2654435761u);
        return first.ToString("x8", CultureInfo.InvariantCulture) + uuid[8..];
    }

    public static string Family(string family, int clone)
    {
        if (clone == 0)
        {
            return family;
        }

        var prefix = Syllables[clone / 100 % 10] + Syllables[clone / 10 % 10].ToLowerInvariant() + Syllables[clone % 10].ToLowerInvariant();
        return prefix + family.ToLowerInvariant();
    }

    public static string IdentifierValue(string value, int clone) =>
        clone == 0 ? value
        : BundleTemplate.IsUuid(value) ? Uuid(value, clone)
        : value + "-" + clone.ToString(CultureInfo.InvariantCulture);
}
