namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// The codes and extension URLs of the medication list and its reconciliation
/// (legemiddelsamstemming). Samjournal's own where no national or HL7 code fits; each is
/// documented in docs so other systems can read what we write.
/// </summary>
public static class MedicationListCodes
{
    public const string Loinc = "http://loinc.org";
    public const string Atc = "http://www.whocc.no/atc";

    /// <summary>LOINC 10160-0 "History of Medication use": the merged list of what the patient uses.</summary>
    public const string MedicationUseCode = "10160-0";

    public const string ListCodeSystem = "https://samjournal.no/fhir/CodeSystem/list-code";

    /// <summary>The code of the List that is a reconciled medication list version.</summary>
    public const string ReconciledList = "reconciled-medication-list";

    public const string ReconciledListDisplay = "Samstemt legemiddelliste";

    /// <summary>Extension on the reconciled List: when it was reconciled (admission, transfer, discharge).</summary>
    public const string OccasionExtension = "https://samjournal.no/fhir/StructureDefinition/reconciliation-occasion";

    public const string OccasionSystem = "https://samjournal.no/fhir/CodeSystem/reconciliation-occasion";

    public const string Admission = "admission";
    public const string Transfer = "transfer";
    public const string Discharge = "discharge";

    public static IReadOnlyList<string> Occasions { get; } = [Admission, Transfer, Discharge];

    /// <summary>Extension on a reconciled List entry: what the reconciler decided (keep, change, stop, new).</summary>
    public const string ActionExtension = "https://samjournal.no/fhir/StructureDefinition/reconciliation-action";

    public const string Keep = "keep";
    public const string Change = "change";
    public const string Stop = "stop";
    public const string New = "new";

    public static IReadOnlyList<string> Actions { get; } = [Keep, Change, Stop, New];

    /// <summary>Extension on a reconciled List entry: the medication as reconciled (substance, dosage
    /// words, status). The List version is the record of the decision, so it carries what was decided
    /// and does not depend on the MedicationStatement staying unchanged afterwards.</summary>
    public const string ReconciledMedicationExtension = "https://samjournal.no/fhir/StructureDefinition/reconciled-medication";

    /// <summary>SHA-256 of the canonical form of a reconciled list's medications (see <see cref="ReconciledMedication.Hash"/>);
    /// on the reconciled List and on the discharge summary's medication section.</summary>
    public const string HashExtension = "https://samjournal.no/fhir/StructureDefinition/medication-list-hash";

    /// <summary>Coded sources a reconciliation compares against, besides references to resources.</summary>
    public const string SourceSystem = "https://samjournal.no/fhir/CodeSystem/reconciliation-source";

    public static IReadOnlyDictionary<string, string> KnownSources { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["patient-interview"] = "Samtale med pasient",
        ["next-of-kin"] = "Samtale med pårørende",
        ["e-resept"] = "Reseptformidleren (e-resept)",
        ["kjernejournal"] = "Kjernejournal",
        ["gp-list"] = "Fastlegens legemiddelliste",
        ["home-care-list"] = "Hjemmetjenestens legemiddelliste",
        ["multidose"] = "Multidose",
        ["own-medicines"] = "Pasientens medbrakte legemidler",
    };

    /// <summary>Provenance.activity of a reconciliation.</summary>
    public const string ActivitySystem = "https://samjournal.no/fhir/CodeSystem/provenance-activity";

    public const string ReconciliationActivity = "medication-reconciliation";

    /// <summary>Extension on each merged entry of <c>$medication-list</c>: one per source record.</summary>
    public const string SourceExtension = "https://samjournal.no/fhir/StructureDefinition/medication-list-source";
}
