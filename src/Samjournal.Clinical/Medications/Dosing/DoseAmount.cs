namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>The unit a dose is given in: a mass or volume, or a count of the form's units.</summary>
public enum DoseUnit
{
    Milligram,
    Microgram,
    Gram,
    Millilitre,
    InternationalUnit,
    Tablet,
    Capsule,
    Inhalation,
    Drop,
}

/// <summary>How much is taken each time, e.g. 2 tablets or 40 mg.</summary>
public sealed record DoseAmount(decimal Value, DoseUnit Unit)
{
    public decimal Value { get; } = Value > 0 ? Value : throw new ArgumentOutOfRangeException(nameof(Value), Value, "A dose is more than zero.");

    public DoseAmount Times(decimal factor) => new(Value * factor, Unit);

    public static DoseAmount Tablets(decimal count) => new(count, DoseUnit.Tablet);

    public static DoseAmount Mg(decimal mg) => new(mg, DoseUnit.Milligram);
}
