using System.Globalization;

namespace Samjournal.Bench;

/// <summary>
/// The targets of the search benchmark (PostgreSQL, this machine), each as a text for the report
/// and a verdict: 5x the peer server's req/s per query at 10 clients; p99 &lt; 20 ms at 10 clients
/// for patient-compartment queries; at the large volume, p50 and p99 no worse than 2x those at 1x.
/// </summary>
internal static class SearchTargets
{
    public const int TargetClients = 10;
    public const double PeerFactor = 5;
    public const double CompartmentP99Ms = 20;
    public const double VolumeFactor = 2;
    public const double IngestPerSecond = 6_000;

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Throughput(SearchQuery query) => query.PeerRequestsPerSecond is { } peer
        ? $"≥ {N(PeerFactor * peer)} req/s"
        : $"≥ {N(PeerFactor * SearchQueries.PeerLow)}–{N(PeerFactor * SearchQueries.PeerHigh)} req/s";

    /// <summary>Without the peer's figure for this query only its range is known: between the ends it is undecided.</summary>
    public static string ThroughputMet(SearchQuery query, QueryResult? result)
    {
        if (result is null || result.NotAvailable is not null)
        {
            return "n/a";
        }

        var rate = result.RequestsPerSecond;
        if (query.PeerRequestsPerSecond is { } peer)
        {
            return Verdict(rate >= PeerFactor * peer);
        }

        return rate >= PeerFactor * SearchQueries.PeerHigh ? "yes"
            : rate < PeerFactor * SearchQueries.PeerLow ? "**no**"
            : "open (needs the peer's figure)";
    }

    public static string CompartmentLatency(SearchQuery query) =>
        query.PatientCompartment ? $"p99 < {N(CompartmentP99Ms)} ms" : "";

    public static string CompartmentLatencyMet(SearchQuery query, QueryResult? result) =>
        !query.PatientCompartment ? ""
        : result is null || result.NotAvailable is not null ? "n/a"
        : Verdict(result.Latency.P99 < CompartmentP99Ms);

    /// <summary>"1.3x / 1.8x: yes" for p50 and p99 at the large volume against 1x.</summary>
    public static string VolumeMet(QueryResult? baseline, QueryResult? scaled)
    {
        if (baseline is null || scaled is null || baseline.NotAvailable is not null || scaled.NotAvailable is not null)
        {
            return "n/a";
        }

        var p50 = scaled.Latency.P50 / baseline.Latency.P50;
        var p99 = scaled.Latency.P99 / baseline.Latency.P99;
        return string.Create(CultureInfo.InvariantCulture, $"{p50:0.0}x / {p99:0.0}x: {Verdict(p50 <= VolumeFactor && p99 <= VolumeFactor)}");
    }

    public static string IngestMet(IngestResult? ingest) =>
        ingest is null ? "n/a" : Verdict(ingest.ResourcesPerSecond >= IngestPerSecond);

    public static string Verdict(bool met) => met ? "yes" : "**no**";
}
