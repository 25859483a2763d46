namespace Samjournal.Clinical.Medications;

/// <summary>
/// ATC codes (WHO Anatomical Therapeutic Chemical classification): five levels, each a longer
/// prefix of the one below, e.g. N (1), N02 (2), N02B (3), N02BE (4), N02BE01 (5, the substance).
/// A class contains a substance when the class code is a prefix of the substance code.
/// </summary>
public static class AtcCode
{
    public const string System = "http://www.whocc.no/atc";

    private static readonly int[] LengthOfLevel = [0, 1, 3, 4, 5, 7];

    /// <summary>The level of a well-formed code (1-5), or 0 when the code is not ATC-shaped.</summary>
    public static int Level(string? code)
    {
        if (code is null)
        {
            return 0;
        }

        var level = Array.IndexOf(LengthOfLevel, code.Length);
        if (level < 1)
        {
            return 0;
        }

        for (var i = 0; i < code.Length; i++)
        {
            // Letters at positions 1, 4 and 5; digits at 2, 3, 6 and 7.
            var letter = i is 0 or 3 or 4;
            if (letter ? !char.IsAsciiLetterUpper(code[i]) : !char.IsAsciiDigit(code[i]))
            {
                return 0;
            }
        }

        return level;
    }

    /// <summary>The class of <paramref name="code"/> at <paramref name="level"/>, or null when the code is less specific.</summary>
    public static string? AtLevel(string code, int level) =>
        Level(code) >= level ? code[..LengthOfLevel[level]] : null;

    /// <summary>Whether <paramref name="classCode"/> (any level) contains <paramref name="code"/>.</summary>
    public static bool Contains(string classCode, string code) =>
        Level(classCode) > 0 && code.StartsWith(classCode, StringComparison.Ordinal);
}
