using Hl7.Fhir.Model;

namespace Samjournal.Clinical.Results;

/// <summary>A value outside [Low, High] of LOINC code <see cref="Loinc"/> is critical (kritisk verdi).</summary>
public sealed record CriticalRange(string Loinc, decimal? Low, decimal? High);

/// <summary>
/// What makes a result critical: the lab's own interpretation (HH, LL: critically high or low; AA:
/// critically abnormal), or a numeric value outside a configured range for its LOINC code
/// (<c>WorkItems:CriticalRanges</c>), for labs that send values without interpretation.
/// </summary>
public sealed class CriticalRanges(IReadOnlyList<CriticalRange> ranges)
{
    public const string InterpretationSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private static readonly HashSet<string> CriticalInterpretations = new(StringComparer.Ordinal) { "HH", "LL", "AA" };

    public IReadOnlyList<CriticalRange> All => ranges;

    public bool IsCritical(Observation observation)
    {
        if (observation.Interpretation.SelectMany(i => i.Coding)
            .Any(c => (c.System is null || c.System == InterpretationSystem) && c.Code is not null && CriticalInterpretations.Contains(c.Code)))
        {
            return true;
        }

        if (observation.Value is not Quantity { Value: { } value })
        {
            return false;
        }

        var codes = observation.Code?.Coding.Where(c => c.System == "http://loinc.org").Select(c => c.Code).ToHashSet(StringComparer.Ordinal) ?? [];
        return ranges.Any(r => codes.Contains(r.Loinc) && (value < r.Low || value > r.High));
    }
}
