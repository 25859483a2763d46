using System.Globalization;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Identifiers;

/// <summary>
/// Checks Norwegian fødselsnummer and D-nummer (DDMMYY + individual number + two check digits).
/// </summary>
/// <remarks>
/// Accepted:
/// <list type="bullet">
/// <item>Fødselsnummer; D-nummer (day + 40).</item>
/// <item>Synthetic numbers from Skatteetaten's test register Tenor (month + 80), also as D-nummer.</item>
/// <item>Month + 40 (H-nummer, and NAV's synthetic test persons), reported as <see cref="NorwegianIdentityKind.HNumber"/>.</item>
/// </list>
/// Century from individual number and year: 000-499 → 1900-1999; 500-749 with year 54-99 →
/// 1854-1899; 500-999 with year 00-39 → 2000-2039; 900-999 with year 40-99 → 1940-1999.
/// Other combinations are rejected.
/// <para>
/// Check digits: weights 3 7 6 1 8 9 4 5 2 (+1 for check digit 1) and 5 4 3 2 7 6 5 4 3 2
/// (+1 for check digit 2). Until 2032 both weighted sums must be 0 mod 11. Skatteetaten,
/// "Nye fødselsnummer og d-nummer fra 2032"
/// (https://www.skatteetaten.no/deling/opplysninger/folkeregisteropplysninger/pid/): numbers
/// issued from 1 January 2032 have a new control calculation that accepts the remainders 0, 1, 2
/// and 3 instead of only 0, and are gender neutral. We implement that as: the first weighted
/// sum (including check digit 1) mod 11 may be 0-3; the second stays strictly 0 mod 11. Both
/// styles are accepted because both will be in use side by side. When the first remainder is
/// 1-3 the number can only be a new one, so no sex is read from it.
/// </para>
/// </remarks>
public static class NorwegianIdentity
{
    internal static readonly int[] Check1Weights = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    internal static readonly int[] Check2Weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

    /// <summary>Checks a fødselsnummer or D-nummer. Spaces are ignored; nothing else is.</summary>
    public static NorwegianIdentityCheck Check(string? input)
    {
        if (string.IsNullOrWhiteSpace(input))
        {
            return NorwegianIdentityCheck.Invalid(null, "Fødselsnummer is missing.");
        }

        var value = input.Replace(" ", string.Empty, StringComparison.Ordinal);
        if (!value.All(char.IsAsciiDigit))
        {
            return NorwegianIdentityCheck.Invalid(value, "Fødselsnummer may only contain digits.");
        }

        if (value.Length != 11)
        {
            return NorwegianIdentityCheck.Invalid(value, $"Fødselsnummer must be 11 digits; this has {value.Length}.");
        }

        var day = Number(value, 0, 2);
        var month = Number(value, 2, 2);
        var year2 = Number(value, 4, 2);
        var individual = Number(value, 6, 3);

        var isDnr = day > 40;
        if (isDnr)
        {
            day -= 40;
        }

        NorwegianIdentityKind kind;
        if (month > 80)
        {
            month -= 80;
            kind = isDnr ? NorwegianIdentityKind.SyntheticDnr : NorwegianIdentityKind.SyntheticFnr;
        }
        else if (month > 40 && !isDnr)
        {
            month -= 40;
            kind = NorwegianIdentityKind.HNumber;
        }
        else
        {
            kind = isDnr ? NorwegianIdentityKind.Dnr : NorwegianIdentityKind.Fnr;
        }

        var century = Century(individual, year2);
        if (century is null)
        {
            return NorwegianIdentityCheck.Invalid(
                value, $"Individual number {value.Substring(6, 3)} is not used for people born in a year ending in {value.Substring(4, 2)}.");
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(century.Value + year2, month))
        {
            return NorwegianIdentityCheck.Invalid(value, $"The birth date part {value[..6]} is not a real date.");
        }

        var remainder1 = (WeightedSum(value, Check1Weights) + Digit(value, 9)) % 11;
        var newRule = remainder1 is >= 1 and <= 3;
        if (remainder1 != 0 && !newRule)
        {
            return NorwegianIdentityCheck.Invalid(value, "Check digit 1 is wrong; look for a mistyped or swapped digit.");
        }

        if ((WeightedSum(value, Check2Weights) + Digit(value, 10)) % 11 != 0)
        {
            return NorwegianIdentityCheck.Invalid(value, "Check digit 2 is wrong; look for a mistyped or swapped digit.");
        }

        AdministrativeGender? sex = newRule
            ? null
            : Digit(value, 8) % 2 == 1 ? AdministrativeGender.Male : AdministrativeGender.Female;

        return new NorwegianIdentityCheck
        {
            Value = value,
            Kind = kind,
            BirthDate = new DateOnly(century.Value + year2, month, day),
            Sex = sex,
            UsesCheckDigitRuleFrom2032 = newRule,
        };
    }

    /// <summary>True when <paramref name="input"/> is a valid fødselsnummer or D-nummer of any kind.</summary>
    public static bool IsValid(string? input) => Check(input).IsValid;

    /// <summary>The century (1800, 1900, 2000) the individual number gives for a two-digit year, or null.</summary>
    internal static int? Century(int individual, int year2) => individual switch
    {
        <= 499 => 1900,
        <= 749 when year2 >= 54 => 1800,
        >= 500 when year2 <= 39 => 2000,
        >= 900 when year2 >= 40 => 1900,
        _ => null,
    };

    /// <summary>
    /// The strict (pre-2032) check digits for the first nine digits, or null when either would be
    /// 10 (such an individual number cannot be used on that date under the old rule).
    /// </summary>
    internal static string? CheckDigits(string nineDigits)
    {
        var k1 = (11 - (WeightedSum(nineDigits, Check1Weights) % 11)) % 11;
        if (k1 == 10)
        {
            return null;
        }

        var ten = nineDigits + (char)('0' + k1);
        var k2 = (11 - (WeightedSum(ten, Check2Weights) % 11)) % 11;
        return k2 == 10 ? null : ten + (char)('0' + k2);
    }

    internal static int WeightedSum(string digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += weights[i] * Digit(digits, i);
        }

        return sum;
    }

    private static int Digit(string digits, int index) => digits[index] - '0';

    private static int Number(string digits, int start, int length) =>
        int.Parse(digits.AsSpan(start, length), CultureInfo.InvariantCulture);
}
