using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// One small record per patient pointing at the current reconciled list: a <c>Basic</c> with a
/// fixed id derived from the patient. Every reconciliation writes it, which serialises
/// reconciliations of the same patient (and makes a first-time race end in a 409 "retry" instead of
/// two current lists); it also lets a reader find the current list in one read.
/// </summary>
public static class ReconciledListHead
{
    public const string Code = "reconciled-medication-list-head";

    public const string CurrentListExtension = "https://samjournal.no/fhir/StructureDefinition/current-reconciled-list";

    /// <summary>The head's id: a hash of the patient reference, so it fits FHIR's 64-character ids whatever the patient's id.</summary>
    public static string IdFor(string patientReference) =>
        "reconciled-list-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(patientReference)))[..40];

    public static Basic For(string patientReference, string listId)
    {
        var head = new Basic
        {
            Id = IdFor(patientReference),
            Code = new CodeableConcept(MedicationListCodes.ListCodeSystem, Code, "Gjeldende samstemte legemiddelliste"),
            Subject = new ResourceReference(patientReference),
        };
        head.SetExtension(CurrentListExtension, new ResourceReference("List/" + listId));
        return head;
    }
}
