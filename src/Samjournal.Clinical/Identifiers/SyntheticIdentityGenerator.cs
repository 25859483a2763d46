using System.Globalization;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Identifiers;

/// <summary>
/// Makes synthetic fødselsnummer and D-nummer the way Skatteetaten's test register does
/// (month + 80), so demo and test people can never be real ones. The same seed and the same
/// sequence of calls always give the same numbers, and one generator never repeats a number.
/// </summary>
/// <remarks>
/// Numbers use the strict pre-2032 check digits, so the ninth digit carries the sex
/// (odd = male, even = female) and validators that only know the old rule accept them too.
/// </remarks>
public sealed class SyntheticIdentityGenerator(int seed)
{
    private const int MaxAttempts = 10_000;

    private readonly Random random = new(seed);
    private readonly HashSet<string> issued = new(StringComparer.Ordinal);

    /// <summary>A synthetic fødselsnummer (month + 80) for someone born on <paramref name="birthDate"/>.</summary>
    public string NextFodselsnummer(DateOnly birthDate, AdministrativeGender sex) => Next(birthDate, sex, dayOffset: 0);

    /// <summary>A synthetic D-nummer (day + 40, month + 80) for someone born on <paramref name="birthDate"/>.</summary>
    public string NextDNummer(DateOnly birthDate, AdministrativeGender sex) => Next(birthDate, sex, dayOffset: 40);

    private string Next(DateOnly birthDate, AdministrativeGender sex, int dayOffset)
    {
        var (low, high) = IndividualRange(birthDate.Year);
        var datePart = string.Create(
            CultureInfo.InvariantCulture,
            $"{birthDate.Day + dayOffset:00}{birthDate.Month + 80:00}{birthDate.Year % 100:00}");

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var individual = random.Next(low, high + 1);
            if (!ParityFits(individual, sex))
            {
                continue;
            }

            var number = NorwegianIdentity.CheckDigits(
                datePart + individual.ToString("000", CultureInfo.InvariantCulture));
            if (number is not null && issued.Add(number))
            {
                return number;
            }
        }

        throw new InvalidOperationException($"No unused synthetic number left for {birthDate:yyyy-MM-dd}.");
    }

    private static (int Low, int High) IndividualRange(int year) => year switch
    {
        >= 1854 and <= 1899 => (500, 749),
        >= 1900 and <= 1999 => (0, 499),
        >= 2000 and <= 2039 => (500, 999),
        _ => throw new ArgumentOutOfRangeException(
            nameof(year), year, "Norwegian person numbers cover birth years 1854-2039."),
    };

    private static bool ParityFits(int individual, AdministrativeGender sex) => sex switch
    {
        AdministrativeGender.Male => individual % 2 == 1,
        AdministrativeGender.Female => individual % 2 == 0,
        _ => true,
    };
}
