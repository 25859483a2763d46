using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

public static partial class IndexExtractor
{
    private const string Iso4217 = "urn:iso:std:iso:4217";

    private static void AddDate(List<DateEntry> dates, string param, Base value)
    {
        switch (value)
        {
            case Period period:
                AddPeriod(dates, param, period);
                break;
            case Timing timing:
                foreach (var occurrence in timing.Event)
                {
                    AddDateText(dates, param, occurrence);
                }

                if (timing.Repeat?.Bounds is Period bounds)
                {
                    AddPeriod(dates, param, bounds);
                }

                break;
            case PrimitiveType:
                // date, dateTime, instant: from the text as written, which carries the precision.
                if (FhirDateRange.TryParse(Text(value), out var start, out var end))
                {
                    dates.Add(new DateEntry(param, start, end));
                }
                else if (value is Instant { Value: { } instant })
                {
                    var (instantStart, instantEnd) = FhirDateRange.OfInstant(instant);
                    dates.Add(new DateEntry(param, instantStart, instantEnd));
                }

                break;
        }
    }

    private static void AddDateText(List<DateEntry> dates, string param, string? text)
    {
        if (FhirDateRange.TryParse(text, out var start, out var end))
        {
            dates.Add(new DateEntry(param, start, end));
        }
    }

    private static void AddPeriod(List<DateEntry> dates, string param, Period period)
    {
        var hasStart = FhirDateRange.TryParse(period.Start, out var start, out _);
        var hasEnd = FhirDateRange.TryParse(period.End, out _, out var end);
        if (hasStart || hasEnd)
        {
            dates.Add(new DateEntry(param, hasStart ? start : DateTimeOffset.MinValue, hasEnd ? end : DateTimeOffset.MaxValue));
        }
    }

    private static void AddNumber(List<NumberEntry> numbers, string param, Base value)
    {
        decimal? number = value switch
        {
            FhirDecimal d => d.Value,
            Integer i => i.Value,
            PositiveInt p => p.Value,
            UnsignedInt u => u.Value,
            Integer64 l => l.Value,
            _ => null,
        };
        if (number is { } n)
        {
            var (low, high) = PrecisionRange(n);
            numbers.Add(new NumberEntry(param, n, low, high));
        }
    }

    private static void AddQuantity(List<QuantityEntry> quantities, string param, Base value)
    {
        switch (value)
        {
            // Age, Duration, Distance, Count and SimpleQuantity are Quantity subtypes.
            case Quantity { Value: { } amount } quantity:
                var (low, high) = PrecisionRange(amount);
                quantities.Add(new QuantityEntry(param, quantity.System, quantity.Code, quantity.Unit, amount, low, high));
                break;
            case Money { Value: { } money } cash:
                var (moneyLow, moneyHigh) = PrecisionRange(money);
                var currency = cash.CurrencyElement?.JsonValue as string;
                quantities.Add(new QuantityEntry(param, currency is null ? null : Iso4217, currency, currency, money, moneyLow, moneyHigh));
                break;
            default:
                // SampledData (Observation value-quantity) has no single value to index.
                break;
        }
    }

    /// <summary>The implicit range of a number as written: half a unit of its last digit either
    /// side, so 100 covers [99.5, 100.5) and 100.00 covers [99.995, 100.005). .NET decimals keep the
    /// scale they were parsed with, which is what carries "as written".</summary>
    internal static (decimal Low, decimal High) PrecisionRange(decimal value)
    {
        // decimal's smallest step is 1e-28; a value written with that many digits has no room left
        // for half a step, so it is its own range.
        var scale = value.Scale;
        if (scale >= 28)
        {
            return (value, value);
        }

        var half = new decimal(5, 0, 0, false, (byte)(scale + 1));
        try
        {
            return (value - half, value + half);
        }
        catch (OverflowException)
        {
            return (value, value);
        }
    }
}
