using System.Globalization;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.MedicationList;

/// <summary>Reading a reconciled medication list (a List coded <c>reconciled-medication-list</c>).</summary>
public static class ReconciledList
{
    public static bool IsReconciledList(this List list) =>
        list.Code?.Coding.Any(c => c.System == MedicationListCodes.ListCodeSystem && c.Code == MedicationListCodes.ReconciledList) == true;

    /// <summary>FHIR search criteria for the patient's current reconciled list (there is at most one).</summary>
    public static string CurrentCriteria(string patientReference) =>
        $"code={MedicationListCodes.ListCodeSystem}|{MedicationListCodes.ReconciledList}&subject={patientReference}&status=current";

    public static string? Occasion(this List list) => list.GetExtensionValue<Code>(MedicationListCodes.OccasionExtension)?.Value;

    /// <summary>The medications as reconciled, in entry order; an entry without its snapshot is reported by index.</summary>
    public static IReadOnlyList<ReconciledMedication> Medications(this List list)
    {
        var medications = new List<ReconciledMedication>();
        for (var i = 0; i < list.Entry.Count; i++)
        {
            medications.Add(ReconciledMedication.FromEntry(list.Entry[i])
                ?? throw Samjournal.Fhir.Errors.FhirOperationException.Unprocessable(
                    $"Entry {i} of the reconciled list does not say what was reconciled (extension {MedicationListCodes.ReconciledMedicationExtension} with substance and status).",
                    $"List.entry[{i}]"));
        }

        return medications;
    }

    public static string Hash(this List list) => ReconciledMedication.Hash(list.Medications());

    /// <summary><c>List/{id}/_history/{version}</c>: the exact version a discharge summary points to.</summary>
    public static string VersionedReference(this List list) => $"List/{list.Id}/_history/{list.Meta?.VersionId}";

    /// <summary>(id, version) of a versioned reference <c>Type/id/_history/n</c>; null when the
    /// reference is not of <paramref name="type"/> or names no version.</summary>
    public static (string Id, int Version)? ParseVersioned(string? reference, string type)
    {
        var parts = (reference ?? "").Split('/');
        return parts.Length == 4 && parts[0] == type && parts[2] == "_history"
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (parts[1], version)
            : null;
    }
}
