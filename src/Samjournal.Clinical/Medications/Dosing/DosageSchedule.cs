namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>
/// When, and how much, in one step of a dosage. The cases are closed: each maps to exactly one
/// shape of FHIR <c>Dosage.timing.repeat</c> and back (<see cref="DosageFhir"/>), so a weekly dose
/// cannot come back as a daily one.
/// </summary>
public abstract record DosageSchedule;

/// <summary>A dose at each of some clock times every day, e.g. 1 tablet at 08:00 and 20:00.</summary>
public sealed record FixedTimes(IReadOnlyList<TimedDose> Doses) : DosageSchedule
{
    public IReadOnlyList<TimedDose> Doses { get; } = Doses.Count > 0 && Doses.Select(d => d.Time).Distinct().Count() == Doses.Count
        ? [.. Doses.OrderBy(d => d.Time)]
        : throw new ArgumentException("Fixed times need at least one time, each time once.", nameof(Doses));

    public bool Equals(FixedTimes? other) => other is not null && Doses.SequenceEqual(other.Doses);

    public override int GetHashCode() => Doses.Aggregate(17, (hash, dose) => HashCode.Combine(hash, dose));
}

/// <summary>One dose at one time of day.</summary>
public sealed record TimedDose(TimeOnly Time, DoseAmount Dose);

/// <summary>The same dose several times a day, at no fixed clock times, e.g. 1 tablet 3 times daily.
/// Once a day is an <see cref="Interval"/> of one day.</summary>
public sealed record TimesPerDay(int Times, DoseAmount Dose) : DosageSchedule
{
    public int Times { get; } = Times >= 2 ? Times : throw new ArgumentOutOfRangeException(nameof(Times), Times, "Several times a day means 2 or more; once a day is an interval of 1 day.");
}

/// <summary>The unit of an <see cref="Interval"/>.</summary>
public enum IntervalUnit
{
    Hour,
    Day,
    Week,
}

/// <summary>A dose every N hours, days or weeks, e.g. 2 tablets every 8 hours, 1 tablet daily.</summary>
public sealed record Interval(int Every, IntervalUnit Unit, DoseAmount Dose) : DosageSchedule
{
    public int Every { get; } = Every >= 1 ? Every : throw new ArgumentOutOfRangeException(nameof(Every), Every, "An interval is at least 1.");
}

/// <summary>A dose on given weekdays every week, optionally at a clock time, e.g. 1 tablet once a
/// week on Mondays (methotrexate).</summary>
public sealed record Weekly(IReadOnlyList<DayOfWeek> Days, DoseAmount Dose, TimeOnly? Time = null) : DosageSchedule
{
    public IReadOnlyList<DayOfWeek> Days { get; } = Days.Count > 0 && Days.Distinct().Count() == Days.Count
        ? [.. Days.OrderBy(d => ((int)d + 6) % 7)]
        : throw new ArgumentException("A weekly dose names at least one weekday, each once.", nameof(Days));

    public bool Equals(Weekly? other) => other is not null && Days.SequenceEqual(other.Days) && Dose == other.Dose && Time == other.Time;

    public override int GetHashCode() => HashCode.Combine(Days.Aggregate(17, (hash, day) => HashCode.Combine(hash, day)), Dose, Time);
}

/// <summary>A dose when needed (PRN), at most <see cref="MaxPerDay"/> in 24 hours; the reason, when
/// given, says what for ("smerter").</summary>
public sealed record AsNeeded(DoseAmount Dose, DoseAmount? MaxPerDay, string? Reason = null) : DosageSchedule
{
    public DoseAmount? MaxPerDay { get; } = MaxPerDay is null || (MaxPerDay.Unit == Dose.Unit && MaxPerDay.Value >= Dose.Value)
        ? MaxPerDay
        : throw new ArgumentException("The daily maximum is in the dose's unit and at least one dose.", nameof(MaxPerDay));

    public string? Reason { get; } = string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim();
}
