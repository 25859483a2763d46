using Samjournal.Clinical.Medications.Catalogue;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// The prescribing checks, pure: a prescription against the patient's record and the catalogue.
/// Allergy to the substance or its class stops; another active prescription of the same substance
/// stops, of the same ATC level-4 group warns; a dose above the maximum stops; an interaction stops
/// or warns by its severity. Overrides in the prescription mark the stops they cover.
/// </summary>
public static class PrescribingChecks
{
    public static IReadOnlyList<PrescribingFinding> Run(Prescription prescription, MedicationRecord record, MedicationCatalogue catalogue)
    {
        var findings = new List<PrescribingFinding>();
        var name = catalogue.NameOf(prescription.Atc);
        findings.AddRange(Allergies(prescription.Atc, name, record));
        findings.AddRange(Duplicates(prescription.Atc, name, record, catalogue));
        findings.AddRange(MaximumDose.Check(prescription, catalogue));
        findings.AddRange(Interactions(prescription.Atc, name, record, catalogue));
        return [.. findings.Select(f => f.Severity == FindingSeverity.Stop && prescription.Overrides.FirstOrDefault(o => o.Covers(f)) is { } cover
            ? f with { OverrideReason = cover.Reason }
            : f)];
    }

    private static IEnumerable<PrescribingFinding> Allergies(string atc, string name, MedicationRecord record)
    {
        foreach (var allergy in record.Allergies)
        {
            if (allergy.AtcCodes.FirstOrDefault(code => AtcCode.Contains(code, atc)) is { } covering)
            {
                yield return new PrescribingFinding(
                    FindingCodes.Allergy, FindingSeverity.Stop,
                    $"Pasienten har registrert allergi eller intoleranse mot {allergy.Display} ({covering}); {name} ({atc}) hører inn under dette.",
                    $"The patient has a recorded allergy or intolerance to {covering}, which covers {atc}.",
                    allergy.Reference);
            }
            else if (allergy.AtcCodes.FirstOrDefault(code => AtcCode.Level(code) == 5 && AtcCode.AtLevel(code, 4) == AtcCode.AtLevel(atc, 4)) is { } sibling)
            {
                yield return new PrescribingFinding(
                    FindingCodes.AllergyClass, FindingSeverity.Stop,
                    $"Pasienten har registrert allergi eller intoleranse mot {allergy.Display} ({sibling}), i samme legemiddelgruppe ({AtcCode.AtLevel(atc, 4)}) som {name}: risiko for kryssreaksjon.",
                    $"The patient has a recorded allergy or intolerance to {sibling}, in the same ATC group ({AtcCode.AtLevel(atc, 4)}) as {atc}: cross-reaction is possible.",
                    allergy.Reference);
            }
        }
    }

    private static IEnumerable<PrescribingFinding> Duplicates(string atc, string name, MedicationRecord record, MedicationCatalogue catalogue)
    {
        foreach (var other in record.Medications.Where(m => m.IsPrescription))
        {
            if (string.Equals(other.Atc, atc, StringComparison.Ordinal))
            {
                yield return new PrescribingFinding(
                    FindingCodes.DuplicateSubstance, FindingSeverity.Stop,
                    $"Pasienten har allerede en aktiv forskrivning av {name} ({atc}): dobbeltforskrivning.",
                    $"The patient already has an active prescription of {atc}: duplicate therapy.",
                    other.Reference);
            }
            else if (AtcCode.AtLevel(other.Atc, 4) == AtcCode.AtLevel(atc, 4))
            {
                yield return new PrescribingFinding(
                    FindingCodes.DuplicateClass, FindingSeverity.Warning,
                    $"Pasienten har allerede en aktiv forskrivning av {catalogue.NameOf(other.Atc)} ({other.Atc}) i samme legemiddelgruppe ({AtcCode.AtLevel(atc, 4)}) som {name}.",
                    $"The patient already has an active prescription of {other.Atc}, in the same ATC group ({AtcCode.AtLevel(atc, 4)}) as {atc}.",
                    other.Reference);
            }
        }
    }

    private static IEnumerable<PrescribingFinding> Interactions(string atc, string name, MedicationRecord record, MedicationCatalogue catalogue)
    {
        // A therapy can be on the list twice (a prescription and the statement of its use): one finding per substance and interaction.
        var seen = new HashSet<(string, string)>();
        foreach (var other in record.Medications.Where(m => !string.Equals(m.Atc, atc, StringComparison.Ordinal)))
        {
            foreach (var interaction in catalogue.InteractionsBetween(atc, other.Atc))
            {
                if (!seen.Add((other.Atc, interaction.Id)))
                {
                    continue;
                }

                var otherName = catalogue.NameOf(other.Atc);
                var (severity, level, english) = interaction.Alvorlighetsgrad switch
                {
                    Alvorlighetsgrad.BorUnngas => (FindingSeverity.Stop, "bør unngås", "should be avoided"),
                    Alvorlighetsgrad.Forsiktighet => (FindingSeverity.Warning, "forsiktighetsregler", "take precautions"),
                    _ => (FindingSeverity.Information, "ingen tiltak nødvendig", "no action needed"),
                };
                yield return new PrescribingFinding(
                    FindingCodes.Interaction, severity,
                    $"Interaksjon mellom {name} og {otherName} ({level}): {interaction.KliniskKonsekvens} {interaction.Handtering}",
                    $"Known interaction {interaction.Id} between {atc} and {other.Atc} ({english}).",
                    other.Reference);
            }
        }
    }
}
