namespace Samjournal.Clinical.Identifiers;

/// <summary>
/// Norwegian organisasjonsnummer (Enhetsregisteret): nine digits, the last a mod 11 check digit
/// with weights 3 2 7 6 5 4 3 2.
/// </summary>
public static class OrganisationNumber
{
    private static readonly int[] Weights = [3, 2, 7, 6, 5, 4, 3, 2];

    /// <summary>True when <paramref name="value"/> is nine digits with a correct check digit.</summary>
    public static bool IsValid(string? value) =>
        value is { Length: 9 } && value.All(char.IsAsciiDigit) && CheckDigit(value) == value[8] - '0';

    /// <summary>
    /// The nine-digit number for eight leading digits, or null when the check digit would be 10
    /// (Enhetsregisteret never issues those).
    /// </summary>
    public static string? WithCheckDigit(string eightDigits)
    {
        if (eightDigits is not { Length: 8 } || !eightDigits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Give exactly eight digits.", nameof(eightDigits));
        }

        var check = CheckDigit(eightDigits);
        return check == 10 ? null : eightDigits + (char)('0' + check);
    }

    private static int CheckDigit(string digits)
    {
        var sum = 0;
        for (var i = 0; i < Weights.Length; i++)
        {
            sum += Weights[i] * (digits[i] - '0');
        }

        return (11 - (sum % 11)) % 11;
    }
}
