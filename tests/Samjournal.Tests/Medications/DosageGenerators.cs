using CsCheck;
using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Tests.Medications;

/// <summary>Random dosages of every kind, for the property tests.</summary>
internal static class DosageGenerators
{
    public static readonly Gen<DoseAmount> Dose = Gen.Select(Gen.Int[1, 40], Gen.Enum<DoseUnit>(), (quarters, unit) => new DoseAmount(quarters * 0.25m, unit));

    private static readonly Gen<TimeOnly> Clock = Gen.Int[0, (24 * 4) - 1].Select(q => new TimeOnly(q / 4, q % 4 * 15));

    public static readonly Gen<DosageSchedule> FixedTimes =
        Gen.Select(Clock.ArrayUnique[1, 5], Dose, Gen.Bool, (times, dose, varied) =>
            (DosageSchedule)new FixedTimes([.. times.Select((t, i) => new TimedDose(t, varied && i % 2 == 1 ? dose.Times(2) : dose))]));

    public static readonly Gen<DosageSchedule> TimesPerDay = Gen.Select(Gen.Int[2, 6], Dose, (times, dose) => (DosageSchedule)new TimesPerDay(times, dose));

    public static readonly Gen<DosageSchedule> EveryNHours = Gen.Select(Gen.Int[1, 72], Dose, (n, dose) => (DosageSchedule)new Interval(n, IntervalUnit.Hour, dose));

    public static readonly Gen<DosageSchedule> EveryNDays = Gen.Select(Gen.Int[1, 30], Dose, (n, dose) => (DosageSchedule)new Interval(n, IntervalUnit.Day, dose));

    public static readonly Gen<DosageSchedule> EveryNWeeks = Gen.Select(Gen.Int[1, 12], Dose, (n, dose) => (DosageSchedule)new Interval(n, IntervalUnit.Week, dose));

    public static readonly Gen<DosageSchedule> Weekly =
        Gen.Select(Gen.Enum<DayOfWeek>().ArrayUnique[1, 7], Dose, Gen.Nullable(Clock, 0.5), (days, dose, time) => (DosageSchedule)new Weekly(days, dose, time));

    public static readonly Gen<DosageSchedule> AsNeeded =
        Gen.Select(Dose, Gen.Int[0, 8], Gen.Bool, (dose, extra, reason) =>
            (DosageSchedule)new AsNeeded(dose, extra == 0 ? null : dose.Times(extra), reason ? "smerter" : null));

    public static readonly Gen<DosageSchedule> AnySchedule = Gen.OneOf(FixedTimes, TimesPerDay, EveryNHours, EveryNDays, EveryNWeeks, Weekly, AsNeeded);

    /// <summary>One step (with or without a duration), or a tapering sequence of 2-5 steps.</summary>
    public static readonly Gen<DosageRegimen> Regimen = Gen.OneOf(
        Gen.Select(AnySchedule, Gen.Nullable(Gen.Int[1, 90], 0.5), (schedule, days) => new DosageRegimen(schedule, days)),
        Gen.Select(AnySchedule.Array[2, 5], Gen.Int[1, 14].Array[5], Gen.Bool, (schedules, days, open) =>
            new DosageRegimen([.. schedules.Select((s, i) => new DosageStep(s, open && i == schedules.Length - 1 ? null : days[i]))])));
}
