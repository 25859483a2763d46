using System.Globalization;
using Hl7.Fhir.Model;
using FhirDosage = Hl7.Fhir.Model.Dosage;
using RepeatComponent = Hl7.Fhir.Model.Timing.RepeatComponent;
using UnitsOfTime = Hl7.Fhir.Model.Timing.UnitsOfTime;

namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>
/// Maps a <see cref="DosageRegimen"/> to FHIR R4 <c>Dosage</c> elements and back. Each step gets
/// its own <c>sequence</c> number (1, 2, ...) and, when it has one, a <c>timing.repeat.boundsDuration</c>
/// in days. The shapes of <c>timing.repeat</c>:
/// <list type="bullet">
/// <item>fixed times: <c>timeOfDay</c> with frequency = number of times, period 1 d; different amounts
/// at different times become several Dosage elements with the same sequence (concurrent, per FHIR)</item>
/// <item>several times daily: frequency N, period 1 d</item>
/// <item>every N hours/days/weeks: frequency 1, period N, periodUnit h/d/wk</item>
/// <item>weekly on weekdays: <c>dayOfWeek</c>, frequency = number of days, period 1 wk (never d:
/// read as daily, a weekly methotrexate dose becomes a lethal one)</item>
/// <item>as needed: <c>asNeededBoolean</c> (or <c>asNeededCodeableConcept</c> with the reason as text) and
/// <c>maxDosePerPeriod</c> per 1 d</item>
/// </list>
/// Each element also carries its Norwegian text in <c>Dosage.text</c> for readers that show text only.
/// </summary>
public static class DosageFhir
{
    private const string Days = "d";

    public static List<FhirDosage> ToFhir(DosageRegimen regimen)
    {
        var result = new List<FhirDosage>();
        for (var i = 0; i < regimen.Steps.Count; i++)
        {
            var step = regimen.Steps[i];
            foreach (var dosage in ScheduleToFhir(step.Schedule))
            {
                dosage.Sequence = i + 1;
                dosage.Text = DosageText.Norwegian(step);
                if (step.DurationDays is { } days)
                {
                    dosage.Timing ??= new Timing();
                    dosage.Timing.Repeat ??= new RepeatComponent();
                    dosage.Timing.Repeat.Bounds = new Duration { Value = days, Unit = days == 1 ? "dag" : "dager", System = DoseUnits.Ucum, Code = Days };
                }

                result.Add(dosage);
            }
        }

        return result;
    }

    /// <summary>
    /// Reads FHIR Dosage elements back into the model. Elements are grouped by <c>sequence</c>
    /// (missing counts as 1); a group is one step. Throws <see cref="DosageFormatException"/>
    /// naming the element when the dosage has a shape the model cannot hold, rather than guessing.
    /// </summary>
    public static DosageRegimen FromFhir(IReadOnlyList<FhirDosage> dosages, string path = "MedicationRequest.dosageInstruction")
    {
        if (dosages.Count == 0)
        {
            throw new DosageFormatException($"{path} is empty: there is no dosage to read.", path);
        }

        var steps = new List<DosageStep>();
        var groups = dosages.Select((d, i) => (Dosage: d, Path: $"{path}[{i}]")).GroupBy(d => d.Dosage.Sequence ?? 1).OrderBy(g => g.Key).ToList();
        foreach (var group in groups)
        {
            var members = group.ToList();
            var durations = members.Select(m => Duration(m.Dosage, m.Path)).Distinct().ToList();
            if (durations.Count > 1)
            {
                throw new DosageFormatException($"{members[0].Path}: the dosages with sequence {group.Key} disagree about how many days they last.", members[0].Path);
            }

            var schedule = members.Count == 1
                ? ScheduleFromFhir(members[0].Dosage, members[0].Path)
                : MergeFixedTimes(members);
            steps.Add(new DosageStep(schedule, durations[0]));
        }

        try
        {
            return new DosageRegimen(steps);
        }
        catch (ArgumentException e)
        {
            throw new DosageFormatException($"{path}: {e.Message}", path);
        }
    }

    private static IEnumerable<FhirDosage> ScheduleToFhir(DosageSchedule schedule)
    {
        switch (schedule)
        {
            case FixedTimes fixedTimes:
                foreach (var sameDose in fixedTimes.Doses.GroupBy(d => d.Dose))
                {
                    var times = sameDose.Select(d => d.Time).ToList();
                    yield return Regular(sameDose.Key, new RepeatComponent
                    {
                        Frequency = times.Count,
                        Period = 1,
                        PeriodUnit = UnitsOfTime.D,
                        TimeOfDayElement = [.. times.Select(t => new Time(Clock(t)))],
                    });
                }

                break;
            case TimesPerDay perDay:
                yield return Regular(perDay.Dose, new RepeatComponent { Frequency = perDay.Times, Period = 1, PeriodUnit = UnitsOfTime.D });
                break;
            case Interval interval:
                yield return Regular(interval.Dose, new RepeatComponent
                {
                    Frequency = 1,
                    Period = interval.Every,
                    PeriodUnit = interval.Unit switch
                    {
                        IntervalUnit.Hour => UnitsOfTime.H,
                        IntervalUnit.Day => UnitsOfTime.D,
                        _ => UnitsOfTime.Wk,
                    },
                });
                break;
            case Weekly weekly:
                var repeat = new RepeatComponent
                {
                    Frequency = weekly.Days.Count,
                    Period = 1,
                    PeriodUnit = UnitsOfTime.Wk,
                    DayOfWeek = [.. weekly.Days.Select(ToFhirDay)],
                };
                if (weekly.Time is { } time)
                {
                    repeat.TimeOfDayElement = [new Time(Clock(time))];
                }

                yield return Regular(weekly.Dose, repeat);
                break;
            case AsNeeded asNeeded:
                var prn = new FhirDosage
                {
                    AsNeeded = asNeeded.Reason is { } reason ? new CodeableConcept { Text = reason } : new FhirBoolean(true),
                    DoseAndRate = [new FhirDosage.DoseAndRateComponent { Dose = DoseUnits.ToQuantity(asNeeded.Dose) }],
                };
                if (asNeeded.MaxPerDay is { } max)
                {
                    prn.MaxDosePerPeriod = new Ratio(DoseUnits.ToQuantity(max), new Quantity { Value = 1, Unit = "døgn", System = DoseUnits.Ucum, Code = Days });
                }

                yield return prn;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(schedule), schedule.GetType().Name, "Unknown dosage schedule.");
        }
    }

    private static FhirDosage Regular(DoseAmount dose, RepeatComponent repeat) => new()
    {
        Timing = new Timing { Repeat = repeat },
        DoseAndRate = [new FhirDosage.DoseAndRateComponent { Dose = DoseUnits.ToQuantity(dose) }],
    };

    private static DosageSchedule ScheduleFromFhir(FhirDosage dosage, string path)
    {
        var dose = Dose(dosage, path);
        var repeat = dosage.Timing?.Repeat;
        if (dosage.AsNeeded is { } asNeeded)
        {
            if (asNeeded is FhirBoolean { Value: false })
            {
                // asNeededBoolean false says "not as needed": read as if absent.
            }
            else
            {
                return new AsNeeded(dose, MaxPerDay(dosage, dose, path), (asNeeded as CodeableConcept)?.Text);
            }
        }

        if (repeat is null)
        {
            throw new DosageFormatException($"{path}.timing.repeat is missing: a regular dose needs a frequency and period.", path + ".timing.repeat");
        }

        var times = repeat.TimeOfDay.Select(t => ParseClock(t, path)).ToList();
        var frequency = repeat.Frequency ?? 1;
        var period = repeat.Period ?? 1;
        var unit = repeat.PeriodUnit;
        if (repeat.DayOfWeek.Any())
        {
            // Written by us as N per 1 wk; other systems write "once per day, restricted to these
            // weekdays" (1 per 1 d), which FHIR defines to mean the same. Both are read as weekly.
            var perWeek = unit == UnitsOfTime.Wk && frequency == repeat.DayOfWeek.Count();
            var perRestrictedDay = unit == UnitsOfTime.D && frequency == 1;
            RequireShape(period == 1 && (perWeek || perRestrictedDay) && times.Count <= 1, path,
                "dayOfWeek goes with period 1 wk and frequency equal to the number of weekdays (or 1 per 1 d), and at most one timeOfDay");
            return Wrap(path, () => new Weekly([.. repeat.DayOfWeek.Select(d => FromFhirDay(d!.Value))], dose, times.Count == 1 ? times[0] : null));
        }

        if (times.Count > 0)
        {
            // Many systems send timeOfDay alone; a frequency, when given, must agree with it.
            RequireShape(unit is null or UnitsOfTime.D && period == 1 && (repeat.Frequency is null || frequency == times.Count), path,
                "timeOfDay goes with period 1 d (or none) and frequency equal to the number of times (or none)");
            return Wrap(path, () => new FixedTimes([.. times.Select(t => new TimedDose(t, dose))]));
        }

        RequireShape(period == decimal.Truncate(period) && period >= 1, path, "period must be a whole number of at least 1");
        var every = (int)period;
        if (frequency > 1)
        {
            RequireShape(unit == UnitsOfTime.D && every == 1, path, "frequency above 1 is read only per 1 d (several times daily)");
            return Wrap(path, () => new TimesPerDay(frequency, dose));
        }

        return unit switch
        {
            UnitsOfTime.H => new Interval(every, IntervalUnit.Hour, dose),
            UnitsOfTime.D => new Interval(every, IntervalUnit.Day, dose),
            UnitsOfTime.Wk => new Interval(every, IntervalUnit.Week, dose),
            _ => throw new DosageFormatException($"{path}.timing.repeat.periodUnit must be h, d or wk; it is {unit?.ToString() ?? "missing"}.", path + ".timing.repeat.periodUnit"),
        };
    }

    private static FixedTimes MergeFixedTimes(List<(FhirDosage Dosage, string Path)> members)
    {
        var doses = new List<TimedDose>();
        foreach (var (dosage, path) in members)
        {
            if (ScheduleFromFhir(dosage, path) is not FixedTimes part)
            {
                throw new DosageFormatException($"{path}: dosages sharing a sequence number are read only as fixed times of day (timeOfDay).", path);
            }

            doses.AddRange(part.Doses);
        }

        return Wrap(members[0].Path, () => new FixedTimes(doses));
    }

    private static DoseAmount Dose(FhirDosage dosage, string path)
    {
        if (dosage.DoseAndRate.Count != 1 || dosage.DoseAndRate[0].Dose is not Quantity quantity)
        {
            throw new DosageFormatException($"{path}.doseAndRate needs exactly one doseQuantity (a dose range cannot be checked).", path + ".doseAndRate");
        }

        return DoseUnits.FromQuantity(quantity, path + ".doseAndRate[0].doseQuantity");
    }

    private static DoseAmount? MaxPerDay(FhirDosage dosage, DoseAmount dose, string path)
    {
        if (dosage.MaxDosePerPeriod is not { } ratio)
        {
            return null;
        }

        var where = path + ".maxDosePerPeriod";
        var per = ratio.Denominator;
        RequireShape(per?.Value == 1 && string.Equals(per.Code, Days, StringComparison.Ordinal), path, "maxDosePerPeriod is read only per 1 d (UCUM code d)");
        var max = DoseUnits.FromQuantity(ratio.Numerator, where + ".numerator");
        return Wrap(where, () => new AsNeeded(dose, max).MaxPerDay);
    }

    private static int? Duration(FhirDosage dosage, string path)
    {
        switch (dosage.Timing?.Repeat?.Bounds)
        {
            case null:
                return null;
            case Duration { Value: { } value, Code: Days } when value >= 1 && value == decimal.Truncate(value):
                return (int)value;
            default:
                throw new DosageFormatException($"{path}.timing.repeat.bounds must be a boundsDuration of whole days (UCUM code d).", path + ".timing.repeat.bounds");
        }
    }

    private static void RequireShape(bool holds, string path, string rule)
    {
        if (!holds)
        {
            throw new DosageFormatException($"{path}.timing.repeat has a shape that cannot be read safely: {rule}.", path + ".timing.repeat");
        }
    }

    private static T Wrap<T>(string path, Func<T> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e)
        {
            throw new DosageFormatException($"{path}: {e.Message}", path);
        }
    }

    private static string Clock(TimeOnly time) => time.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static TimeOnly ParseClock(string? text, string path) =>
        TimeOnly.TryParseExact(text, "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new DosageFormatException($"{path}.timing.repeat.timeOfDay '{text}' is not a time (hh:mm:ss).", path + ".timing.repeat.timeOfDay");

    private static DaysOfWeek ToFhirDay(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => DaysOfWeek.Mon,
        DayOfWeek.Tuesday => DaysOfWeek.Tue,
        DayOfWeek.Wednesday => DaysOfWeek.Wed,
        DayOfWeek.Thursday => DaysOfWeek.Thu,
        DayOfWeek.Friday => DaysOfWeek.Fri,
        DayOfWeek.Saturday => DaysOfWeek.Sat,
        _ => DaysOfWeek.Sun,
    };

    private static DayOfWeek FromFhirDay(DaysOfWeek day) => day switch
    {
        DaysOfWeek.Mon => DayOfWeek.Monday,
        DaysOfWeek.Tue => DayOfWeek.Tuesday,
        DaysOfWeek.Wed => DayOfWeek.Wednesday,
        DaysOfWeek.Thu => DayOfWeek.Thursday,
        DaysOfWeek.Fri => DayOfWeek.Friday,
        DaysOfWeek.Sat => DayOfWeek.Saturday,
        _ => DayOfWeek.Sunday,
    };
}
