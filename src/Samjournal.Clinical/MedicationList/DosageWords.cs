using System.Globalization;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// A dosage in Norwegian words, as the list and the discharge summary show it: the prescriber's
/// own <c>Dosage.text</c> when there is one (it is what was agreed with the patient), otherwise
/// words made from the structured dosage.
/// </summary>
internal static class DosageWords
{
    public static string Of(IEnumerable<Dosage> dosages)
    {
        var words = dosages.OrderBy(d => d.Sequence ?? 0).Select(Of).Where(w => w.Length > 0).ToList();
        return words.Count == 0 ? "Dosering ikke angitt" : string.Join("; deretter ", words);
    }

    public static string Of(Dosage dosage) =>
        !string.IsNullOrWhiteSpace(dosage.Text) ? dosage.Text.Trim() : Fallback(dosage);

    // replaced by Medications.DosageText at integration
    private static string Fallback(Dosage dosage)
    {
        var parts = new List<string>();
        if (dosage.DoseAndRate.FirstOrDefault()?.Dose is Quantity dose && dose.Value is { } amount)
        {
            parts.Add($"{amount.ToString(CultureInfo.GetCultureInfo("nb-NO"))} {dose.Unit ?? dose.Code}".Trim());
        }

        var repeat = dosage.Timing?.Repeat;
        if (repeat is { Frequency: { } frequency, Period: { } period, PeriodUnit: { } unit })
        {
            parts.Add(unit switch
            {
                Timing.UnitsOfTime.D when period == 1 => $"{frequency} ganger daglig",
                Timing.UnitsOfTime.H => $"hver {period} time",
                Timing.UnitsOfTime.Wk when period == 1 => $"{frequency} ganger i uken",
                _ => $"{frequency} ganger per {period} {unit}",
            });
        }

        if (dosage.AsNeeded is FhirBoolean { Value: true } or CodeableConcept)
        {
            parts.Add("ved behov");
        }

        return string.Join(' ', parts);
    }
}
