using System.Security;
using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Clinical.MedicationList;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Summary;

/// <summary>
/// The discharge summary's medication section (LOINC 10183-2 "Hospital discharge medications"),
/// made from the reconciled list and nothing else: its narrative is rendered from the list's
/// entries, its one entry points at the exact list version, and it carries the list's hash. The
/// same rendering is used to check a stored section, so any hand edit shows as a difference.
/// </summary>
public static class MedicationSection
{
    public const string Loinc = "http://loinc.org";
    public const string DischargeSummaryCode = "18842-5";
    public const string DischargeMedicationsCode = "10183-2";

    public static bool IsDischargeSummary(this Composition composition) =>
        composition.Type?.Coding.Any(c => c.System == Loinc && c.Code == DischargeSummaryCode) == true;

    public static bool IsMedicationSection(this Composition.SectionComponent section) =>
        section.Code?.Coding.Any(c => c.System == Loinc && c.Code == DischargeMedicationsCode) == true;

    public static Composition.SectionComponent Build(List list)
    {
        var section = new Composition.SectionComponent
        {
            Title = "Legemidler ved utskrivning",
            Code = new CodeableConcept(Loinc, DischargeMedicationsCode, "Hospital discharge medications"),
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = Render(list) },
            Entry = [new ResourceReference(list.VersionedReference(), "Samstemt legemiddelliste")],
        };
        section.SetExtension(MedicationListCodes.HashExtension, new FhirString(list.Hash()));
        return section;
    }

    /// <summary>Refuses (422) a section that is not exactly what <paramref name="list"/> makes.</summary>
    public static void RequireMadeFrom(Composition.SectionComponent section, List list)
    {
        const string where = "Composition.section";
        if (section.Entry.Count != 1 || section.Entry[0].Reference != list.VersionedReference())
        {
            throw FhirError.Unprocessable(
                $"The discharge summary's medication section must point at the current reconciled list, {list.VersionedReference()}; it points at {string.Join(", ", section.Entry.Select(e => e.Reference))}. Sign it again to take in the current list.", where);
        }

        if (section.GetExtensionValue<FhirString>(MedicationListCodes.HashExtension)?.Value != list.Hash())
        {
            throw FhirError.Unprocessable("The discharge summary's medication list hash does not match the current reconciled list: the section is stale or was edited. Sign it again to take in the current list.", where);
        }

        if (section.Text?.Div != Render(list))
        {
            throw FhirError.Unprocessable("The discharge summary's medication section text differs from the reconciled list: it is made from the list at signing and cannot be edited by hand. Change the list by reconciling, then sign again.", where);
        }
    }

    /// <summary>The narrative: each medication with its dosage in words and what was decided.</summary>
    public static string Render(List list)
    {
        var medications = list.Medications();
        var text = new StringBuilder("<div xmlns=\"http://www.w3.org/1999/xhtml\">");
        if (medications.Count == 0)
        {
            text.Append("<p>Bruker ingen legemidler.</p>");
        }
        else
        {
            text.Append("<ul>");
            for (var i = 0; i < medications.Count; i++)
            {
                var medication = medications[i];
                var action = list.Entry[i].GetExtensionValue<Code>(MedicationListCodes.ActionExtension)?.Value;
                text.Append("<li>").Append(Escape(medication.Name)).Append(" (").Append(Escape(medication.SubstanceCode)).Append("): ")
                    .Append(Escape(medication.Dosage)).Append(". ").Append(Decision(action, medication.Status)).Append(".</li>");
            }

            text.Append("</ul>");
        }

        return text.Append("</div>").ToString();
    }

    private static string Decision(string? action, string status) => status == "stopped" ? "Seponert" : action switch
    {
        MedicationListCodes.Change => "Endret",
        MedicationListCodes.New => "Ny",
        _ => "Uendret",
    };

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
