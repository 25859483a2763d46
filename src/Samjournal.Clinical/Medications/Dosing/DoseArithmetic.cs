namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>
/// How much a dosage gives over a day and over a week, in the dose's own unit. A daily limit is
/// held against the heaviest single day (a weekly 15 mg methotrexate dose gives 15 mg on Monday
/// and nothing on the other days); a weekly limit against the most in any seven days (1 tablet
/// daily is 7 tablets a week). Counts round up, so the check errs towards stopping.
/// </summary>
public static class DoseArithmetic
{
    /// <summary>The most taken on any one day, or null when it has no upper bound (as needed with no maximum).</summary>
    public static DoseAmount? PeakPerDay(DosageSchedule schedule) => schedule switch
    {
        FixedTimes fixedTimes => Sum(fixedTimes.Doses.Select(d => d.Dose)),
        TimesPerDay perDay => perDay.Dose.Times(perDay.Times),
        Interval { Unit: IntervalUnit.Hour } interval => interval.Dose.Times(Math.Ceiling(24m / interval.Every)),
        Interval interval => interval.Dose,
        Weekly weekly => weekly.Dose,
        AsNeeded asNeeded => asNeeded.MaxPerDay,
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.GetType().Name, "Unknown dosage schedule."),
    };

    /// <summary>The most taken in any seven days, or null when it has no upper bound.</summary>
    public static DoseAmount? PeakPerWeek(DosageSchedule schedule) => schedule switch
    {
        FixedTimes or TimesPerDay or AsNeeded => PeakPerDay(schedule)?.Times(7),
        Interval { Unit: IntervalUnit.Hour } interval => interval.Dose.Times(Math.Ceiling(168m / interval.Every)),
        Interval { Unit: IntervalUnit.Day } interval => interval.Dose.Times(Math.Ceiling(7m / interval.Every)),
        Interval interval => interval.Dose,
        Weekly weekly => weekly.Dose.Times(weekly.Days.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.GetType().Name, "Unknown dosage schedule."),
    };

    private static DoseAmount? Sum(IEnumerable<DoseAmount> doses)
    {
        var list = doses.ToList();
        return list.Select(d => d.Unit).Distinct().Count() == 1 ? new DoseAmount(list.Sum(d => d.Value), list[0].Unit) : null;
    }
}
