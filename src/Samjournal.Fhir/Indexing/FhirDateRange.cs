namespace Samjournal.Fhir.Indexing;

/// <summary>
/// The implicit range of a FHIR date, dateTime or instant as written: "2020" covers the whole
/// year, "2020-03" the month, "2020-03-05" the day, "2020-03-05T10:15:30" that second and
/// "2020-03-05T10:15:30.25" that hundredth of a second. Start inclusive, end exclusive, both UTC.
/// </summary>
/// <remarks>
/// Values without a timezone (dates, year-months, years, and dateTimes the spec says SHALL have
/// one but some senders omit) are read in the server's zone, <see cref="ServerZone"/>, as the spec
/// asks of search values (search.html#date): for a Norwegian record "2020-03-05" is the Norwegian
/// day, midnight to midnight in Oslo, 23 or 25 hours long on the days the clocks change. The index
/// and the search criteria both come through here, so they always agree.
/// </remarks>
public static class FhirDateRange
{
    /// <summary>Europe/Oslo: CET in winter, CEST in summer, by the rules in force at each date.</summary>
    public static TimeZoneInfo ServerZone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static bool TryParse(string? text, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = end = default;
        if (string.IsNullOrEmpty(text) || text.Length < 4 || !TryDigits(text, 0, 4, out var year) || year < 1)
        {
            return false;
        }

        try
        {
            if (text.Length == 4)
            {
                return Set(new DateTime(year, 1, 1), d => d.AddYears(1), out start, out end);
            }

            if (text[4] != '-' || !TryDigits(text, 5, 2, out var month) || month is < 1 or > 12)
            {
                return false;
            }

            if (text.Length == 7)
            {
                return Set(new DateTime(year, month, 1), d => d.AddMonths(1), out start, out end);
            }

            if (text[7] != '-' || !TryDigits(text, 8, 2, out var day) || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }

            if (text.Length == 10)
            {
                return Set(new DateTime(year, month, day), d => d.AddDays(1), out start, out end);
            }

            return TryParseTime(text, year, month, day, out start, out end);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>The range of a value that is already a point in time (a POCO instant without its
    /// original text): to the millisecond if it has a fraction, else to the second.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) OfInstant(DateTimeOffset value)
    {
        var start = value.ToUniversalTime();
        var precision = start.Ticks % TimeSpan.TicksPerSecond == 0 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(1);
        return (start, start <= DateTimeOffset.MaxValue - precision ? start + precision : DateTimeOffset.MaxValue);
    }

    private static bool TryParseTime(string text, int year, int month, int day, out DateTimeOffset start, out DateTimeOffset end)
    {
        start = end = default;
        // yyyy-MM-ddThh:mm[:ss[.f+]][Z|(+|-)hh:mm]; minutes-only precision is tolerated.
        if (text[10] != 'T' || !TryDigits(text, 11, 2, out var hour) || text.Length < 16 || text[13] != ':'
            || !TryDigits(text, 14, 2, out var minute) || hour > 23 || minute > 59)
        {
            return false;
        }

        var position = 16;
        var second = 0;
        long fractionTicks = 0;
        var precisionTicks = TimeSpan.TicksPerMinute;
        if (position < text.Length && text[position] == ':')
        {
            if (!TryDigits(text, position + 1, 2, out second) || second > 59)
            {
                return false;
            }

            position += 3;
            precisionTicks = TimeSpan.TicksPerSecond;
            if (position < text.Length && text[position] == '.')
            {
                var digits = 0;
                position++;
                var scale = TimeSpan.TicksPerSecond;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    if (scale > 1)
                    {
                        scale /= 10;
                        fractionTicks += (text[position] - '0') * scale;
                    }

                    digits++;
                    position++;
                }

                if (digits == 0)
                {
                    return false;
                }

                precisionTicks = Math.Max(1, scale);
            }
        }

        var local = new DateTime(year, month, day, hour, minute, second).AddTicks(fractionTicks);
        if (position == text.Length)
        {
            if (FromServerZone(local) is not { } zoned)
            {
                return false;
            }

            start = zoned;
        }
        else
        {
            var zone = text.AsSpan(position);
            TimeSpan offset;
            if (zone is "Z")
            {
                offset = TimeSpan.Zero;
            }
            else if (zone.Length == 6 && zone[0] is '+' or '-' && zone[3] == ':'
                && TryDigits(text, position + 1, 2, out var offsetHours) && TryDigits(text, position + 4, 2, out var offsetMinutes))
            {
                offset = new TimeSpan(offsetHours, offsetMinutes, 0);
                if (zone[0] == '-')
                {
                    offset = -offset;
                }
            }
            else
            {
                return false;
            }

            start = new DateTimeOffset(local, offset).ToUniversalTime();
        }

        end = start <= DateTimeOffset.MaxValue.AddTicks(-precisionTicks) ? start.AddTicks(precisionTicks) : DateTimeOffset.MaxValue;
        return true;
    }

    /// <summary>A range from local midnight to the local midnight after it, in the server zone.</summary>
    private static bool Set(DateTime first, Func<DateTime, DateTime> next, out DateTimeOffset start, out DateTimeOffset end)
    {
        // Year 1 starts before the first representable instant once the zone's offset is taken off.
        start = FromServerZone(first) ?? DateTimeOffset.MinValue;
        DateTime following;
        try
        {
            following = next(first);
        }
        catch (ArgumentOutOfRangeException)
        {
            // The last year, month or day of 9999.
            end = DateTimeOffset.MaxValue;
            return true;
        }

        end = FromServerZone(following) ?? DateTimeOffset.MaxValue;
        return true;
    }

    /// <summary>A wall-clock time in the server zone as a UTC instant; null if it falls outside
    /// the representable range.</summary>
    /// <remarks>Times skipped when the clocks go forward (02:30 on the last Sunday of March) are
    /// read with the offset before the change, which lands them an hour later on the new clock;
    /// times that occur twice when the clocks go back are read as the first occurrence (summer time).
    /// Both are what java.time and most FHIR servers do.</remarks>
    internal static DateTimeOffset? FromServerZone(DateTime local)
    {
        var zone = ServerZone;
        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.IsInvalidTime(local) ? zone.GetUtcOffset(local.AddHours(-1)) : zone.GetUtcOffset(local);
        var utcTicks = local.Ticks - offset.Ticks;
        return utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks
            ? null
            : new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    private static bool TryDigits(string text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            value = (value * 10) + (text[i] - '0');
        }

        return true;
    }
}
