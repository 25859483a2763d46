using System.Globalization;
using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Web;

/// <summary>How a patient is named on screen: full name, birth date, and the national identity
/// number masked to the birth date until the user asks to see it.</summary>
public static class PatientNames
{
    public static string Full(Patient patient)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        return name is null ? "(uten navn)" : string.Join(' ', name.Given.Append(name.Family).Where(p => !string.IsNullOrWhiteSpace(p)));
    }

    public static string BirthDate(Patient patient) =>
        DateOnly.TryParseExact(patient.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)
            : patient.BirthDate ?? "";

    public static int? Age(Patient patient, DateOnly today)
    {
        if (!DateOnly.TryParseExact(patient.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
        {
            return null;
        }

        var age = today.Year - born.Year;
        return born.AddYears(age) > today ? age - 1 : age;
    }

    public static string? NationalId(Patient patient) =>
        patient.Identifier.FirstOrDefault(i => i.System is NorwegianSystems.Fodselsnummer or NorwegianSystems.DNummer)?.Value;

    /// <summary>The first six digits (the birth date) and five stars.</summary>
    public static string MaskedId(Patient patient) => NationalId(patient) is { Length: 11 } id ? id[..6] + " *****" : "";
}
