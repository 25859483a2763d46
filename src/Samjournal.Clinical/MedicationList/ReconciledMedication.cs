using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// One medication as a reconciled list records it: the substance (ATC code where there is one),
/// the dosage in words, and the status (a FHIR MedicationStatement status code: active, stopped,
/// on-hold...). What the discharge summary shows is exactly these, and the hash covers exactly these.
/// </summary>
public sealed record ReconciledMedication(string SubstanceSystem, string SubstanceCode, string Name, string Dosage, string Status)
{
    /// <summary>The line the hash covers: <c>system|code TAB dosage TAB status</c>, whitespace in the
    /// dosage collapsed to single spaces so line breaks in free text cannot change the meaning of the form.</summary>
    public string CanonicalLine => $"{SubstanceSystem}|{SubstanceCode}\t{Collapse(Dosage)}\t{Status}";

    /// <summary>
    /// SHA-256, as lower-case hex, of the canonical lines sorted by ordinal comparison and joined with
    /// '\n', UTF-8 encoded. Sorting makes the hash independent of entry order (the same list is the
    /// same list); everything else that a reader of the discharge summary would act on changes it.
    /// </summary>
    public static string Hash(IEnumerable<ReconciledMedication> medications)
    {
        var lines = medications.Select(m => m.CanonicalLine).Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    /// <summary>The medication of <paramref name="statement"/> as it would be reconciled now; null
    /// when the statement names no medication.</summary>
    public static ReconciledMedication? From(MedicationStatement statement)
    {
        if (Substance.Of(statement.Medication) is not { } substance)
        {
            return null;
        }

        return new ReconciledMedication(substance.System, substance.Code, substance.Name,
            DosageWords.Of(statement.Dosage), statement.Status is { } status ? status.GetLiteral() : "unknown");
    }

    public Extension ToExtension()
    {
        var extension = new Extension { Url = MedicationListCodes.ReconciledMedicationExtension };
        extension.Extension.Add(new Extension("substance", new Coding(SubstanceSystem, SubstanceCode, Name)));
        extension.Extension.Add(new Extension("dosage", new FhirString(Dosage)));
        extension.Extension.Add(new Extension("status", new Code(Status)));
        return extension;
    }

    /// <summary>The snapshot a reconciled List entry carries, or null when it carries none (or a broken one).</summary>
    public static ReconciledMedication? FromEntry(List.EntryComponent entry)
    {
        var extension = entry.GetExtension(MedicationListCodes.ReconciledMedicationExtension);
        if (extension?.GetExtensionValue<Coding>("substance") is not { System: { } system, Code: { } code } coding
            || extension.GetExtensionValue<Code>("status")?.Value is not { } status)
        {
            return null;
        }

        return new ReconciledMedication(system, code, coding.Display ?? code, extension.GetExtensionValue<FhirString>("dosage")?.Value ?? "", status);
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>The substance a medication record is about: its ATC code when it has one, otherwise its
/// first coding, otherwise its text (so two records of the same drug merge and hash alike).</summary>
public sealed record Substance(string System, string Code, string Name)
{
    public const string TextSystem = "urn:samjournal:medication-text";

    public string Key => System + "|" + Code;

    public static Substance? Of(DataType? medication)
    {
        if (medication is ResourceReference reference)
        {
            // A Medication resource by reference: the reference is the identity we can vouch for.
            return reference.Reference is { Length: > 0 } target ? new Substance("urn:samjournal:medication-reference", target, reference.Display ?? target) : null;
        }

        if (medication is not CodeableConcept concept)
        {
            return null;
        }

        var coding = concept.Coding.FirstOrDefault(c => c.System == MedicationListCodes.Atc && !string.IsNullOrWhiteSpace(c.Code))
            ?? concept.Coding.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c.System) && !string.IsNullOrWhiteSpace(c.Code));
        var name = concept.Text ?? concept.Coding.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
        if (coding is { System: { } system, Code: { } code })
        {
            return new Substance(system, code.Trim(), name ?? code);
        }

        return string.IsNullOrWhiteSpace(concept.Text) ? null : new Substance(TextSystem, concept.Text.Trim().ToLowerInvariant(), concept.Text.Trim());
    }
}
