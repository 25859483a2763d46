using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// <c>:in</c> and <c>:not-in</c> on tokens (search.html#token): the codes of ValueSets stored here,
/// read in the same session as the search, so a transaction sees the ValueSet it just wrote.
/// </summary>
internal sealed partial class StoreSession
{
    /// <summary>Codes one search may list; every one is a bound parameter, and both databases
    /// cap those (SQLite at 32766).</summary>
    internal const int MaxValueSetCodes = 10_000;

    /// <summary>The clauses with the codes of every <c>:in</c>/<c>:not-in</c> ValueSet filled in,
    /// inside chains and <c>_has</c> too.</summary>
    private async Task<IReadOnlyList<SearchClause>> WithValueSetCodesAsync(IReadOnlyList<SearchClause> clauses, CancellationToken ct)
    {
        if (!clauses.Any(NeedsValueSet))
        {
            return clauses;
        }

        var resolved = new List<SearchClause>(clauses.Count);
        foreach (var clause in clauses)
        {
            resolved.Add(await WithValueSetCodesAsync(clause, ct));
        }

        var listed = resolved.Sum(ListedCodes);
        return listed <= MaxValueSetCodes
            ? resolved
            : throw new FhirOperationException(HttpStatusCode.BadRequest, OperationOutcome.IssueType.TooCostly,
                $"The ValueSets of this search list {listed} codes; at most {MaxValueSetCodes} can be searched at once.");
    }

    /// <summary>Some clause names a ValueSet whose codes must be read before the search.</summary>
    internal static bool NeedsValueSets(IReadOnlyList<SearchClause> clauses) => clauses.Any(NeedsValueSet);

    private static bool NeedsValueSet(SearchClause clause) =>
        (clause.Modifier is "in" or "not-in" && clause.ValueSetCodes is null) || clause.Chain.Any(l => NeedsValueSet(l.Inner));

    private static int ListedCodes(SearchClause clause) => (clause.ValueSetCodes?.ListedCodes ?? 0) + clause.Chain.Sum(l => ListedCodes(l.Inner));

    private async Task<SearchClause> WithValueSetCodesAsync(SearchClause clause, CancellationToken ct)
    {
        if (!NeedsValueSet(clause))
        {
            return clause;
        }

        if (clause.Chain.Count > 0)
        {
            var links = new List<ChainLink>(clause.Chain.Count);
            foreach (var link in clause.Chain)
            {
                links.Add(link with { Inner = await WithValueSetCodesAsync(link.Inner, ct) });
            }

            return clause with { Chain = links };
        }

        // Several values are OR-ed: a code in any of the ValueSets.
        var codes = CodeSet.Empty;
        foreach (var canonical in clause.Values)
        {
            codes = codes.Union(await ValueSetCodesAsync(canonical, [], ct));
        }

        return clause with { ValueSetCodes = codes };
    }

    /// <summary>The codes of the stored ValueSet <c>url[|version]</c>; <paramref name="path"/> holds
    /// the ValueSets being worked out around it, to refuse one that includes itself.</summary>
    private async Task<CodeSet> ValueSetCodesAsync(string canonical, HashSet<string> path, CancellationToken ct)
    {
        if (!path.Add(canonical))
        {
            throw FhirOperationException.BadRequest($"ValueSet '{canonical}' includes itself through compose.include.valueSet, so its codes cannot be worked out.");
        }

        var valueSet = await StoredValueSetAsync(canonical, ct);
        var codes = valueSet.Expansion is { } expansion
            ? FromExpansion(canonical, expansion)
            : await FromComposeAsync(canonical, valueSet.Compose, path, ct);
        path.Remove(canonical);
        return codes;
    }

    private async Task<ValueSet> StoredValueSetAsync(string canonical, CancellationToken ct)
    {
        var bar = canonical.LastIndexOf('|');
        var url = bar < 0 ? canonical : canonical[..bar];
        List<SearchClause> criteria = [new("url", ClauseKind.Uri, null, [url])];
        if (bar >= 0)
        {
            criteria.Add(new("version", ClauseKind.Token, null, [canonical[(bar + 1)..]]));
        }

        var found = await MatchAsync("ValueSet", criteria, [], 2, null, withBody: true, ct);
        return found.Matches switch
        {
            [var one] => (ValueSet)FhirFormat.Parse(one.Json, FhirMediaType.Json),
            [] => throw FhirOperationException.BadRequest($"No ValueSet with the url '{canonical}' is stored on this server; :in and :not-in search the ValueSets stored here."),
            _ => throw FhirOperationException.BadRequest($"Several stored ValueSets have the url '{url}'; name the one to use as url|version."),
        };
    }

    /// <summary>The codes an expansion lists, nested ones included; abstract entries only group
    /// others and are not codes of the set.</summary>
    private static CodeSet FromExpansion(string canonical, ValueSet.ExpansionComponent expansion)
    {
        var codes = new List<(string, string)>();
        var entries = 0;
        void Walk(IEnumerable<ValueSet.ContainsComponent> contains)
        {
            foreach (var entry in contains)
            {
                entries++;
                if (entry.Code is not null && entry.Abstract != true)
                {
                    codes.Add((entry.System ?? throw FhirOperationException.BadRequest($"The expansion of ValueSet '{canonical}' has the code '{entry.Code}' without a system."), entry.Code));
                }

                Walk(entry.Contains);
            }
        }

        Walk(expansion.Contains);
        if (expansion.Total > entries || expansion.Offset > 0)
        {
            throw FhirOperationException.BadRequest($"The stored expansion of ValueSet '{canonical}' is partial ({entries} of {expansion.Total} entries), so membership cannot be decided from it.");
        }

        return CodeSet.Of(codes);
    }

    /// <summary>compose: the union of the includes minus the union of the excludes.</summary>
    private async Task<CodeSet> FromComposeAsync(string canonical, ValueSet.ComposeComponent? compose, HashSet<string> path, CancellationToken ct)
    {
        var codes = CodeSet.Empty;
        foreach (var include in compose?.Include ?? [])
        {
            codes = codes.Union(await ConceptSetAsync(canonical, include, path, ct));
        }

        foreach (var exclude in compose?.Exclude ?? [])
        {
            codes = codes.Except(await ConceptSetAsync(canonical, exclude, path, ct));
        }

        return codes;
    }

    /// <summary>One include or exclude: its system part (listed concepts, or the whole system)
    /// intersected with each ValueSet it names (ValueSet.compose.include.valueSet).</summary>
    private async Task<CodeSet> ConceptSetAsync(string canonical, ValueSet.ConceptSetComponent part, HashSet<string> path, CancellationToken ct)
    {
        if (part.Filter.Count > 0)
        {
            throw FhirOperationException.BadRequest($"ValueSet '{canonical}' selects codes with a filter ({part.Filter[0].Property} {part.Filter[0].Op?.ToString() ?? "?"} {part.Filter[0].Value}); "
                + "that needs a terminology server, which this server does not have. Store the ValueSet with its expansion or with the codes listed.");
        }

        CodeSet? codes = null;
        if (part.System is { } system)
        {
            codes = part.Concept.Count > 0 ? CodeSet.Of(part.Concept.Where(c => c.Code is not null).Select(c => (system, c.Code!))) : CodeSet.WholeSystem(system);
        }
        else if (part.Concept.Count > 0)
        {
            throw FhirOperationException.BadRequest($"ValueSet '{canonical}' lists concepts without a system.");
        }

        foreach (var other in part.ValueSet.OfType<string>())
        {
            var theirs = await ValueSetCodesAsync(other, path, ct);
            codes = codes is null ? theirs : codes.Intersect(theirs);
        }

        return codes ?? throw FhirOperationException.BadRequest($"ValueSet '{canonical}' has an include or exclude with neither a system nor a valueSet.");
    }

    /// <summary>The token row <c>x</c> has a code of the set (or, for a whole system, any code of it).</summary>
    private static string MembershipCondition(Binder bind, CodeSet codes)
    {
        var parts = codes.Systems.Select(s => s.AllExcept
            ? $"(x.system = {bind.Value(s.System)} AND x.code IS NOT NULL{(s.Codes.Count == 0 ? "" : $" AND x.code NOT IN ({Codes(s.Codes)})")})"
            : $"(x.system = {bind.Value(s.System)} AND x.code IN ({Codes(s.Codes)}))").ToList();
        return parts.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", parts) + ")";

        string Codes(IEnumerable<string> list) => string.Join(", ", list.Order(StringComparer.Ordinal).Select(bind.Value));
    }
}
