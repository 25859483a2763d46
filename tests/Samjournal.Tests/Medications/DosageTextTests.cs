using Samjournal.Clinical.Medications.Dosing;

namespace Samjournal.Tests.Medications;

/// <summary>Dosages read in plain Norwegian, as a patient or nurse would say them.</summary>
public sealed class DosageTextTests
{
    private static readonly DoseAmount OneTablet = DoseAmount.Tablets(1);

    [Fact]
    public void Fixed_times_with_one_amount_name_the_times_once()
    {
        var regimen = new DosageRegimen(new FixedTimes([new(new TimeOnly(20, 0), OneTablet), new(new TimeOnly(8, 0), OneTablet)]));
        Assert.Equal("1 tablett kl. 08:00 og 20:00", DosageText.Norwegian(regimen));
    }

    [Fact]
    public void Fixed_times_with_different_amounts_name_each_amount_at_its_time()
    {
        var regimen = new DosageRegimen(new FixedTimes([new(new TimeOnly(8, 0), OneTablet), new(new TimeOnly(14, 0), OneTablet), new(new TimeOnly(22, 0), DoseAmount.Tablets(2))]));
        Assert.Equal("1 tablett kl. 08:00, 1 tablett kl. 14:00 og 2 tabletter kl. 22:00", DosageText.Norwegian(regimen));
    }

    [Theory]
    [InlineData(8, IntervalUnit.Hour, "2 tabletter hver 8. time")]
    [InlineData(1, IntervalUnit.Hour, "2 tabletter hver time")]
    [InlineData(1, IntervalUnit.Day, "2 tabletter daglig")]
    [InlineData(2, IntervalUnit.Day, "2 tabletter hver 2. dag")]
    [InlineData(1, IntervalUnit.Week, "2 tabletter én gang i uken")]
    [InlineData(4, IntervalUnit.Week, "2 tabletter hver 4. uke")]
    public void Intervals_read_as_every_N_hours_days_or_weeks(int every, IntervalUnit unit, string expected) =>
        Assert.Equal(expected, DosageText.Norwegian(new DosageRegimen(new Interval(every, unit, DoseAmount.Tablets(2)))));

    [Fact]
    public void Several_times_daily_reads_as_a_count() =>
        Assert.Equal("1 kapsel 3 ganger daglig", DosageText.Norwegian(new DosageRegimen(new TimesPerDay(3, new DoseAmount(1, DoseUnit.Capsule)))));

    [Fact]
    public void A_weekly_dose_names_its_weekday()
    {
        Assert.Equal("1 tablett én gang i uken på mandag", DosageText.Norwegian(new DosageRegimen(new Weekly([DayOfWeek.Monday], OneTablet))));
        Assert.Equal(
            "6 tabletter 2 ganger i uken på mandag og torsdag kl. 08:00",
            DosageText.Norwegian(new DosageRegimen(new Weekly([DayOfWeek.Thursday, DayOfWeek.Monday], DoseAmount.Tablets(6), new TimeOnly(8, 0)))));
    }

    [Fact]
    public void As_needed_states_the_daily_maximum()
    {
        Assert.Equal("1 tablett ved behov, inntil 4 tabletter per døgn", DosageText.Norwegian(new DosageRegimen(new AsNeeded(OneTablet, DoseAmount.Tablets(4)))));
        Assert.Equal("2 inhalasjoner ved behov (tung pust)", DosageText.Norwegian(new DosageRegimen(new AsNeeded(new DoseAmount(2, DoseUnit.Inhalation), null, "tung pust"))));
    }

    [Fact]
    public void Tapering_reads_step_by_step_with_durations()
    {
        var regimen = new DosageRegimen(
        [
            new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(40)), 5),
            new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(30)), 5),
            new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(20)), 5),
            new DosageStep(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(10)), 1),
        ]);
        Assert.Equal("nedtrapping: 40 mg daglig i 5 dager, deretter 30 mg daglig i 5 dager, deretter 20 mg daglig i 5 dager, deretter 10 mg daglig i 1 dag", DosageText.Norwegian(regimen));
    }

    [Fact]
    public void Numbers_use_a_decimal_comma_and_units_their_Norwegian_names()
    {
        Assert.Equal("2,5 mg daglig", DosageText.Norwegian(new DosageRegimen(new Interval(1, IntervalUnit.Day, DoseAmount.Mg(2.5m)))));
        Assert.Equal("0,5 tablett daglig", DosageText.Norwegian(new DosageRegimen(new Interval(1, IntervalUnit.Day, DoseAmount.Tablets(0.5m)))));
        Assert.Equal("100 mikrogram daglig", DosageText.Norwegian(new DosageRegimen(new Interval(1, IntervalUnit.Day, new DoseAmount(100, DoseUnit.Microgram)))));
    }

    [Fact]
    public void A_step_before_the_last_without_a_duration_is_refused() =>
        Assert.Throws<ArgumentException>(() => new DosageRegimen([new DosageStep(new Interval(1, IntervalUnit.Day, OneTablet)), new DosageStep(new Interval(1, IntervalUnit.Day, OneTablet), 3)]));
}
