namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>One step of a dosage: a schedule, for a number of days or (without a duration) until
/// changed.</summary>
public sealed record DosageStep(DosageSchedule Schedule, int? DurationDays = null)
{
    public int? DurationDays { get; } = DurationDays is null or >= 1 ? DurationDays : throw new ArgumentOutOfRangeException(nameof(DurationDays), DurationDays, "A step lasts at least one day.");
}

/// <summary>
/// A structured dosage: one step, or several in sequence (tapering, e.g. prednisolone 40 mg daily
/// for 5 days, then 30 mg ...). Every step but the last has a duration, so the sequence is
/// unambiguous. Maps to and from FHIR R4 <c>Dosage</c> with <see cref="DosageFhir"/>; reads in
/// Norwegian with <see cref="DosageText.Norwegian(DosageRegimen)"/>.
/// </summary>
public sealed record DosageRegimen
{
    public DosageRegimen(IReadOnlyList<DosageStep> steps)
    {
        if (steps.Count == 0)
        {
            throw new ArgumentException("A dosage has at least one step.", nameof(steps));
        }

        if (steps.Take(steps.Count - 1).Any(s => s.DurationDays is null))
        {
            throw new ArgumentException("Every step before the last has a duration; otherwise the next step never starts.", nameof(steps));
        }

        Steps = [.. steps];
    }

    public DosageRegimen(DosageSchedule schedule, int? durationDays = null)
        : this([new DosageStep(schedule, durationDays)])
    {
    }

    public IReadOnlyList<DosageStep> Steps { get; }

    public bool IsTapering => Steps.Count > 1;

    public bool Equals(DosageRegimen? other) => other is not null && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => Steps.Aggregate(17, (hash, step) => HashCode.Combine(hash, step));
}
