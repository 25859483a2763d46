using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// Which clause a page is driven from. The page reads the driving clause's matches in key order
/// and checks the other clauses on each, so the driver should match few rows. Without statistics
/// per value, the clause's kind says most: a reference names one resource (a patient's 500
/// observations), a coded value with its system one concept, a code without a system often a
/// category that half the table has (<c>Observation?category=laboratory&amp;subject=X</c> driven by the
/// category walked every patient's lab results: 35 ms against 5 ms on the Synthea data).
/// </summary>
internal sealed partial class StoreSession
{
    private const int Unindexable = 4;

    /// <summary>The index of the clause to drive the page from, or -1 to leave it to the planner:
    /// no positive index clause, or a clause on the row itself (<c>_id</c>, the patient compartment)
    /// that its own index answers better than any value index.</summary>
    private int DrivingClause(short typeId, IReadOnlyList<SearchClause> clauses)
    {
        if (clauses.Any(c => c.Kind is ClauseKind.Id or ClauseKind.PatientCompartment))
        {
            return -1;
        }

        var best = -1;
        var bestRank = int.MaxValue;
        for (var i = 0; i < clauses.Count; i++)
        {
            var clause = clauses[i];
            if (IndexTable(clause.Kind) is null || MatchesAbsence(clause) || !_store.TryParamId(typeId, clause.Param, out _))
            {
                continue;
            }

            // Earlier clauses win ties: the order the client wrote is the only other hint there is.
            var rank = SelectivityRank(clause);
            if (rank < bestRank)
            {
                best = i;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>How few rows a positive index clause is expected to match: 0 fewest.
    /// <see cref="Unindexable"/> for conditions the value index cannot seek (contains, above, text).</summary>
    internal static int SelectivityRank(SearchClause clause) => clause.Kind switch
    {
        ClauseKind.Reference when clause.Modifier == "missing" => Unindexable,
        ClauseKind.Reference when clause.Modifier == "identifier" => 1,
        ClauseKind.Reference => 0,
        ClauseKind.Token when clause.Modifier is "text" or "missing" => Unindexable,
        ClauseKind.Token when clause.Modifier is "of-type" or "in" => 2,
        ClauseKind.Token => clause.Values.All(HasSystemAndCode) ? 1 : 2,
        ClauseKind.String when clause.Modifier == "exact" => 1,
        ClauseKind.String when clause.Modifier is "contains" or "missing" => Unindexable,
        ClauseKind.String => 2,
        ClauseKind.Uri when clause.Modifier is "above" or "missing" => Unindexable,
        ClauseKind.Uri when clause.Modifier == "below" => 2,
        ClauseKind.Uri => 1,
        ClauseKind.Date or ClauseKind.Number or ClauseKind.Quantity when clause.Modifier == "missing" => Unindexable,
        _ => 3,
    };

    private static bool HasSystemAndCode(string token)
    {
        var bar = token.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < token.Length - 1;
    }
}
