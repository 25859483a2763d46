using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// Holds a structured dosage against the catalogue's maximum dose. A daily maximum is compared with
/// the heaviest day of each step, a weekly maximum with the most in any seven days
/// (<see cref="DoseArithmetic"/>), so 15 mg methotrexate once a week is 15 mg a week and 15 mg daily
/// is 105. Tablets, capsules and inhalations are turned into the substance's amount with the
/// product's strength; when that strength is not known, the dose is reported as not checked.
/// </summary>
internal static class MaximumDose
{
    public static IEnumerable<PrescribingFinding> Check(Prescription prescription, MedicationCatalogue catalogue)
    {
        if (catalogue.MaximumDoseOf(prescription.Atc) is not { } maximum)
        {
            yield break;
        }

        if (prescription.Dosage is not { } dosage)
        {
            yield return NotChecked(
                "Doseringen er ikke strukturert, så dosen er ikke kontrollert mot høyeste anbefalte dose.",
                $"The dosage is not structured ({prescription.DosageProblem}), so the dose was not checked against the maximum.");
            yield break;
        }

        var perWeek = maximum.Periode == DosePeriode.Uke;
        var worst = 0m;
        foreach (var step in dosage.Steps)
        {
            var amount = perWeek ? DoseArithmetic.PeakPerWeek(step.Schedule) : DoseArithmetic.PeakPerDay(step.Schedule);
            if (amount is null)
            {
                yield return NotChecked(
                    "Doseringen har ingen øvre grense (ved behov uten maksimal døgndose), så dosen er ikke kontrollert.",
                    "The dosage has no upper bound (as needed without a daily maximum), so the dose was not checked.");
                yield break;
            }

            if (InUnitOf(amount, maximum.Mengde.Enhet, prescription, catalogue) is not { } value)
            {
                yield return NotChecked(
                    $"Dosen i {DoseUnits.Word(amount.Unit, 2)} kan ikke regnes om til {maximum.Mengde.Enhet} uten legemidlets styrke: angi legemiddel (styrke) for å få dosen kontrollert.",
                    $"A dose in {amount.Unit} cannot be converted to {maximum.Mengde.Enhet} without the product's strength; name the product to have the dose checked.");
                yield break;
            }

            worst = Math.Max(worst, value);
        }

        if (worst > maximum.Mengde.Verdi)
        {
            var period = perWeek ? "uke" : "døgn";
            yield return new PrescribingFinding(
                FindingCodes.MaximumDose, FindingSeverity.Stop,
                $"Doseringen gir {DosageText.Number(worst)} {maximum.Mengde.Enhet} {catalogue.NameOf(prescription.Atc)} per {period}; høyeste anbefalte dose er {DosageText.Number(maximum.Mengde.Verdi)} {maximum.Mengde.Enhet} per {period}. {maximum.Merknad}",
                $"The dosage gives {worst} {maximum.Mengde.Enhet} of {prescription.Atc} per {(perWeek ? "week" : "day")}; the maximum is {maximum.Mengde.Verdi} {maximum.Mengde.Enhet}.");
        }
    }

    /// <summary>The amount in the maximum's unit (mg, mikrogram, IE), or null when it cannot be converted.</summary>
    private static decimal? InUnitOf(DoseAmount amount, string unit, Prescription prescription, MedicationCatalogue catalogue)
    {
        var target = MassInMicrograms(unit);
        if (DoseUnits.Micrograms(amount.Unit) is { } micrograms && target is not null)
        {
            return amount.Value * micrograms / target;
        }

        if (amount.Unit == DoseUnit.InternationalUnit && string.Equals(unit, "IE", StringComparison.Ordinal))
        {
            return amount.Value;
        }

        // A count (tablets) or a volume (ml) needs the strength per unit of the form.
        var strength = Strength(prescription, catalogue, perMillilitre: amount.Unit == DoseUnit.Millilitre);
        if (strength is null || (!DoseUnits.IsCount(amount.Unit) && amount.Unit != DoseUnit.Millilitre))
        {
            return null;
        }

        var strengthUnit = strength.Enhet.Split('/')[0];
        return MassInMicrograms(strengthUnit) is { } perUnit && target is not null
            ? amount.Value * strength.Verdi * perUnit / target
            : string.Equals(strengthUnit, unit, StringComparison.Ordinal) ? amount.Value * strength.Verdi : null;
    }

    // The named product's strength, or the substance's only strength in the catalogue (for the
    // matching kind: per unit of the form, or per millilitre).
    private static Styrke? Strength(Prescription prescription, MedicationCatalogue catalogue, bool perMillilitre)
    {
        var candidates = prescription.Product is { } product ? [product] : catalogue.ProductsOf(prescription.Atc);
        var strengths = candidates
            .Select(p => p.Virkestoff[0].Styrke)
            .Where(s => s.Enhet.EndsWith("/ml", StringComparison.Ordinal) == perMillilitre)
            .Distinct()
            .ToList();
        return strengths.Count == 1 ? strengths[0] : null;
    }

    private static decimal? MassInMicrograms(string unit) => unit switch
    {
        "mikrogram" => 1m,
        "mg" => 1_000m,
        "g" => 1_000_000m,
        _ => null,
    };

    private static PrescribingFinding NotChecked(string norwegian, string english) =>
        new(FindingCodes.DoseNotChecked, FindingSeverity.Warning, norwegian, english);
}
