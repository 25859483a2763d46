using System.Net;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Notes;

/// <summary>
/// A clinical note (journalnotat) as it is stored: a Composition of LOINC type
/// <see cref="ProgressNoteCode"/> (progress note), final, with the writer as author and legal
/// attester at the moment of signing and the text as one section's narrative. A correction is a new
/// version; the signed one stays readable.
/// </summary>
public static class ClinicalNotes
{
    public const string ProgressNoteCode = "11506-3";

    public static Composition Signed(string patientId, string? encounter, ResourceReference author, string text, DateTimeOffset now)
    {
        var paragraphs = string.Concat(text.Trim().Split('\n').Select(line => "<p>" + WebUtility.HtmlEncode(line.TrimEnd('\r')) + "</p>"));
        return new Composition
        {
            Status = CompositionStatus.Final,
            Type = new CodeableConcept("http://loinc.org", ProgressNoteCode, "Progress note") { Text = "Journalnotat" },
            Subject = new ResourceReference("Patient/" + patientId),
            Encounter = encounter is null ? null : new ResourceReference(encounter),
            DateElement = new FhirDateTime(now),
            Author = [author],
            Title = "Journalnotat",
            Attester = [new Composition.AttesterComponent { Mode = Composition.CompositionAttestationMode.Legal, TimeElement = new FhirDateTime(now), Party = author }],
            Section =
            [
                new Composition.SectionComponent
                {
                    Title = "Notat",
                    Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{paragraphs}</div>" },
                },
            ],
        };
    }

    /// <summary>The note's text, without markup.</summary>
    public static string TextOf(Composition note) =>
        WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(
            string.Join(" ", note.Section.Select(s => s.Text?.Div ?? "")).Replace("</p>", "\n", StringComparison.Ordinal), "<[^>]+>", "")).Trim();
}
