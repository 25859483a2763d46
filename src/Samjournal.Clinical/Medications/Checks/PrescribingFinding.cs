namespace Samjournal.Clinical.Medications.Checks;

/// <summary>What a finding asks of the prescriber.</summary>
public enum FindingSeverity
{
    /// <summary>The prescription is not saved unless the prescriber overrides this finding with a reason.</summary>
    Stop,

    /// <summary>Saved; the prescriber should know.</summary>
    Warning,

    Information,
}

/// <summary>The codes of prescribing findings (code system <see cref="System"/>).</summary>
public static class FindingCodes
{
    public const string System = "https://samjournal.no/fhir/CodeSystem/prescribing-finding";

    /// <summary>Allergy or intolerance registered for the substance or a class it belongs to.</summary>
    public const string Allergy = "allergy";

    /// <summary>Allergy or intolerance to another substance of the same ATC level-4 group.</summary>
    public const string AllergyClass = "allergy-class";

    /// <summary>Another active prescription of the same substance (ATC level 5).</summary>
    public const string DuplicateSubstance = "duplicate-substance";

    /// <summary>Another active prescription in the same ATC level-4 group.</summary>
    public const string DuplicateClass = "duplicate-class";

    /// <summary>The dosage gives more than the catalogue's maximum dose.</summary>
    public const string MaximumDose = "max-dose";

    /// <summary>A known interaction with another active medication.</summary>
    public const string Interaction = "interaction";

    /// <summary>The dose could not be held against the maximum (free-text dosage, unknown strength).</summary>
    public const string DoseNotChecked = "dose-not-checked";
}

/// <summary>
/// One finding of the prescribing checks, in the prescriber's words (Norwegian) and in English,
/// naming the resource it conflicts with (AllergyIntolerance/x, MedicationRequest/y) when there is
/// one. <see cref="OverrideReason"/> is set when the prescription overrides this stop.
/// </summary>
public sealed record PrescribingFinding(string Code, FindingSeverity Severity, string Norwegian, string English, string? ConflictsWith = null)
{
    public string? OverrideReason { get; init; }

    /// <summary>A stop that no override covers: the write is refused.</summary>
    public bool Blocks => Severity == FindingSeverity.Stop && OverrideReason is null;
}
