using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// A dosage in Norwegian words, as the list and the discharge summary show it: the prescriber's
/// own <c>Dosage.text</c> when every step has one (it is what was agreed with the patient),
/// otherwise words made from the structured dosage by <see cref="DosageText"/>, the same words the
/// prescribing screens use.
/// </summary>
internal static class DosageWords
{
    public static string Of(IEnumerable<Dosage> dosages)
    {
        var steps = dosages.OrderBy(d => d.Sequence ?? 0).ToList();
        var words = steps.All(d => !string.IsNullOrWhiteSpace(d.Text))
            ? string.Join("; deretter ", steps.Select(d => d.Text!.Trim()))
            : DosageText.Norwegian(steps);
        return string.IsNullOrWhiteSpace(words) ? "Dosering ikke angitt" : words.Trim();
    }
}
