using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// The key under which string search values are indexed and looked up: lower case, diacritics
/// removed, and the Norwegian letters folded (ø→o, æ→ae, å→a), so "Ødegård", "ødegård", "Ødegard"
/// and "ODEGARD" all become "odegard". Search queries must use this same function.
/// </summary>
/// <remarks>
/// <see cref="string.Normalize(NormalizationForm)"/> cannot be used: the build sets
/// InvariantGlobalization, under which it does not decompose non-ASCII text at all ("é" stays one
/// character). So the NFD-and-strip step is a precomputed table over the Latin blocks (see
/// StringNormalizer.Table.cs), and combining marks that arrive already decomposed are dropped.
/// Letters outside the table (Greek, Cyrillic...) are only lower-cased.
/// </remarks>
public static partial class StringNormalizer
{
    private static readonly FrozenDictionary<char, string> Folds = BuildFolds();

    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (IsLowerAscii(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c < 0x80)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (Folds.TryGetValue(c, out var folded))
            {
                builder.Append(folded);
            }
            else if (!IsCombiningMark(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }

    private static bool IsLowerAscii(string value)
    {
        foreach (var c in value)
        {
            if (c >= 0x80 || char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCombiningMark(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark;

    private static FrozenDictionary<char, string> BuildFolds()
    {
        var folds = new Dictionary<char, string>();
        for (var i = 0; i < FoldSource.Length; i++)
        {
            folds[FoldSource[i]] = new string(FoldTarget[i], 1);
        }

        foreach (var (from, to) in MultiFolds())
        {
            folds[from] = to;
        }

        return folds.ToFrozenDictionary();
    }
}
