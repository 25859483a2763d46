using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>
/// Dose units as FHIR quantities. Masses, volumes and units are UCUM; a count of tablets, capsules,
/// inhalations or drops is a UCUM annotation ({tablet}), which UCUM defines as a plain count.
/// </summary>
public static class DoseUnits
{
    public const string Ucum = "http://unitsofmeasure.org";

    private static readonly (DoseUnit Unit, string Code, string Singular, string Plural)[] Table =
    [
        (DoseUnit.Milligram, "mg", "mg", "mg"),
        (DoseUnit.Microgram, "ug", "mikrogram", "mikrogram"),
        (DoseUnit.Gram, "g", "g", "g"),
        (DoseUnit.Millilitre, "mL", "ml", "ml"),
        (DoseUnit.InternationalUnit, "[iU]", "IE", "IE"),
        (DoseUnit.Tablet, "{tablet}", "tablett", "tabletter"),
        (DoseUnit.Capsule, "{capsule}", "kapsel", "kapsler"),
        (DoseUnit.Inhalation, "{inhalation}", "inhalasjon", "inhalasjoner"),
        (DoseUnit.Drop, "{drop}", "dråpe", "dråper"),
    ];

    public static string UcumCode(DoseUnit unit) => Table.Single(t => t.Unit == unit).Code;

    /// <summary>The Norwegian word for <paramref name="count"/> of the unit (1 tablett, 2 tabletter).</summary>
    public static string Word(DoseUnit unit, decimal count)
    {
        var row = Table.Single(t => t.Unit == unit);
        return count <= 1 ? row.Singular : row.Plural;
    }

    public static DoseUnit? FromUcum(string? code) =>
        Table.Where(t => string.Equals(t.Code, code, StringComparison.Ordinal)).Select(t => (DoseUnit?)t.Unit).FirstOrDefault();

    /// <summary>Micrograms per unit for the mass units; null for the others.</summary>
    public static decimal? Micrograms(DoseUnit unit) => unit switch
    {
        DoseUnit.Microgram => 1m,
        DoseUnit.Milligram => 1_000m,
        DoseUnit.Gram => 1_000_000m,
        _ => null,
    };

    /// <summary>Whether the unit counts units of the form (tablets, capsules, inhalations).</summary>
    public static bool IsCount(DoseUnit unit) => unit is DoseUnit.Tablet or DoseUnit.Capsule or DoseUnit.Inhalation or DoseUnit.Drop;

    public static Quantity ToQuantity(DoseAmount amount) => new()
    {
        Value = amount.Value,
        Unit = Word(amount.Unit, amount.Value),
        System = Ucum,
        Code = UcumCode(amount.Unit),
    };

    /// <summary>The dose a FHIR quantity states; a quantity without a known UCUM code is refused.</summary>
    public static DoseAmount FromQuantity(Quantity? quantity, string path)
    {
        if (quantity?.Value is not { } value || value <= 0)
        {
            throw new DosageFormatException($"{path} needs a positive value.", path);
        }

        if (quantity.System is not null && !string.Equals(quantity.System, Ucum, StringComparison.Ordinal))
        {
            throw new DosageFormatException($"{path} must use UCUM ({Ucum}); it uses {quantity.System}.", path);
        }

        var unit = FromUcum(quantity.Code)
            ?? throw new DosageFormatException($"{path} has unit code '{quantity.Code}'; known dose units are {string.Join(", ", Table.Select(t => t.Code))}.", path);
        return new DoseAmount(value, unit);
    }
}

/// <summary>A FHIR Dosage the structured model cannot express, with the path of the element that is wrong.</summary>
public sealed class DosageFormatException(string message, string path) : FormatException(message)
{
    public string Path { get; } = path;
}
