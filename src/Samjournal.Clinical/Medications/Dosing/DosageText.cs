using System.Globalization;
using FhirDosage = Hl7.Fhir.Model.Dosage;

namespace Samjournal.Clinical.Medications.Dosing;

/// <summary>
/// A dosage in plain Norwegian, as a patient or nurse reads it: "1 tablett kl. 08:00 og 20:00",
/// "2 tabletter hver 8. time", "1 tablett én gang i uken på mandag", "1 tablett ved behov, inntil 4
/// tabletter per døgn", "nedtrapping: 40 mg daglig i 5 dager, deretter 30 mg daglig i 5 dager".
/// </summary>
public static class DosageText
{
    public static string Norwegian(DosageRegimen regimen)
    {
        var steps = string.Join(", deretter ", regimen.Steps.Select(Norwegian));
        return regimen.IsTapering ? Direction(regimen) + steps : steps;
    }

    /// <summary>FHIR Dosage elements in Norwegian. Falls back to their own text when they cannot be
    /// read as a structured dosage (free-text dosages from older systems).</summary>
    public static string Norwegian(IReadOnlyList<FhirDosage> dosages)
    {
        try
        {
            return Norwegian(DosageFhir.FromFhir(dosages));
        }
        catch (DosageFormatException)
        {
            return string.Join("; ", dosages.Select(d => d.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
        }
    }

    public static string Norwegian(DosageStep step) =>
        step.DurationDays is { } days ? $"{Norwegian(step.Schedule)} i {Count(days, "dag", "dager")}" : Norwegian(step.Schedule);

    public static string Norwegian(DosageSchedule schedule) => schedule switch
    {
        FixedTimes fixedTimes when fixedTimes.Doses.Select(d => d.Dose).Distinct().Count() == 1 =>
            $"{Amount(fixedTimes.Doses[0].Dose)} kl. {List(fixedTimes.Doses.Select(d => Clock(d.Time)))}",
        FixedTimes fixedTimes => List(fixedTimes.Doses.Select(d => $"{Amount(d.Dose)} kl. {Clock(d.Time)}")),
        TimesPerDay perDay => $"{Amount(perDay.Dose)} {perDay.Times} ganger daglig",
        Interval { Every: 1, Unit: IntervalUnit.Hour } interval => $"{Amount(interval.Dose)} hver time",
        Interval { Unit: IntervalUnit.Hour } interval => $"{Amount(interval.Dose)} hver {interval.Every}. time",
        Interval { Every: 1, Unit: IntervalUnit.Day } interval => $"{Amount(interval.Dose)} daglig",
        Interval { Unit: IntervalUnit.Day } interval => $"{Amount(interval.Dose)} hver {interval.Every}. dag",
        Interval { Every: 1 } interval => $"{Amount(interval.Dose)} én gang i uken",
        Interval interval => $"{Amount(interval.Dose)} hver {interval.Every}. uke",
        Weekly weekly => $"{Amount(weekly.Dose)} {Times(weekly.Days.Count)} i uken på {List(weekly.Days.Select(Day))}{(weekly.Time is { } t ? " kl. " + Clock(t) : "")}",
        AsNeeded asNeeded => $"{Amount(asNeeded.Dose)} ved behov{(asNeeded.Reason is { } reason ? $" ({reason})" : "")}{(asNeeded.MaxPerDay is { } max ? $", inntil {Amount(max)} per døgn" : "")}",
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.GetType().Name, "Unknown dosage schedule."),
    };

    /// <summary>"1 tablett", "2 tabletter", "2,5 mg".</summary>
    public static string Amount(DoseAmount amount) => $"{Number(amount.Value)} {DoseUnits.Word(amount.Unit, amount.Value)}";

    /// <summary>A number as Norwegians write it: decimal comma, no trailing zeros.</summary>
    public static string Number(decimal value) =>
        value.ToString("0.###", CultureInfo.InvariantCulture).Replace('.', ',');

    // A tapering regimen says which way it goes, when its daily amounts all move one way.
    private static string Direction(DosageRegimen regimen)
    {
        var daily = regimen.Steps.Select(s => DoseArithmetic.PeakPerDay(s.Schedule)).ToList();
        if (daily.Any(d => d is null) || daily.Select(d => d!.Unit).Distinct().Count() > 1)
        {
            return "";
        }

        var values = daily.Select(d => d!.Value).ToList();
        var pairs = values.Zip(values.Skip(1)).ToList();
        return pairs.All(p => p.Second <= p.First) && pairs.Any(p => p.Second < p.First) ? "nedtrapping: "
            : pairs.All(p => p.Second >= p.First) && pairs.Any(p => p.Second > p.First) ? "opptrapping: "
            : "";
    }

    private static string Times(int count) => count == 1 ? "én gang" : $"{count} ganger";

    private static string Count(int count, string singular, string plural) => $"{count} {(count == 1 ? singular : plural)}";

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 1 ? list[0] : string.Join(", ", list.Take(list.Count - 1)) + " og " + list[^1];
    }

    private static string Day(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => "mandag",
        DayOfWeek.Tuesday => "tirsdag",
        DayOfWeek.Wednesday => "onsdag",
        DayOfWeek.Thursday => "torsdag",
        DayOfWeek.Friday => "fredag",
        DayOfWeek.Saturday => "lørdag",
        _ => "søndag",
    };
}
