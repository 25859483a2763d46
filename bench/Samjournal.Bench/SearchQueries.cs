namespace Samjournal.Bench;

/// <summary>
/// One benchmarked request shape. <paramref name="Url"/> draws its values from the loaded data, so
/// consecutive requests ask for different patients, names and codes.
/// </summary>
/// <param name="PatientCompartment">Asks for one patient's data: the p99 &lt; 20 ms target applies.</param>
/// <param name="PeerRequestsPerSecond">The peer server's req/s for this query when measured; null: only its range is known.</param>
internal sealed record SearchQuery(string Name, Func<Random, QueryValues, string> Url, bool PatientCompartment, double? PeerRequestsPerSecond = null)
{
    public bool IsReadById => ReferenceEquals(this, SearchQueries.ReadById);
}

/// <summary>The queries of the search benchmark, in report order.</summary>
internal static class SearchQueries
{
    public static readonly SearchQuery ReadById = new("read by id", (r, v) =>
    {
        var (type, id) = Pick(r, v.ReadIds);
        return $"{type}/{id}";
    }, false, 1_100);

    public static readonly IReadOnlyList<SearchQuery> All =
    [
        ReadById,
        new("Patient?family=", (r, v) => $"Patient?family={Escape(Pick(r, v.Patients).Family)}", false),
        new("Patient?identifier=system|value", (r, v) =>
        {
            var patient = Pick(r, v.Patients);
            return $"Patient?identifier={Escape(patient.IdentifierSystem)}|{Escape(patient.IdentifierValue)}";
        }, false),
        new("Observation?patient=&_count=50", (r, v) => $"Observation?patient={Pick(r, v.PatientIds)}&_count=50", true),
        new("Observation?code=system|code&_count=20", (r, v) =>
        {
            // One Observation's code: common codes come up as often as they are in the data.
            var (system, code) = Pick(r, v.ObservationCodes);
            return $"Observation?code={Escape(system)}|{Escape(code)}&_count=20";
        }, false),
        new("Encounter?patient=&_sort=-date", (r, v) => $"Encounter?patient={Pick(r, v.PatientIds)}&_sort=-date", true),
        new("Condition?patient=&_include=Condition:encounter", (r, v) => $"Condition?patient={Pick(r, v.PatientIds)}&_include=Condition:encounter", true),
        new("Patient/id/$everything", (r, v) => $"Patient/{Pick(r, v.PatientIds)}/$everything", true),
    ];

    /// <summary>The peer server's range over these queries (req/s), for queries without their own figure.</summary>
    public const double PeerLow = 180;
    public const double PeerHigh = 1_200;

    private static T Pick<T>(Random random, IReadOnlyList<T> items) =>
        items.Count > 0 ? items[random.Next(items.Count)] : throw new InvalidOperationException("Nothing loaded to draw query values from.");

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
