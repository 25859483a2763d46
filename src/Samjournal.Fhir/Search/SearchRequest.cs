using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Search;

/// <summary>_include (the matches point to the targets) or _revinclude (sources point to the matches).</summary>
public sealed record IncludeSpec(bool Reverse, string SourceType, string Param, string? TargetType)
{
    public override string ToString() => $"{(Reverse ? "_revinclude" : "_include")}={SourceType}:{Param}{(TargetType is null ? "" : ":" + TargetType)}";
}

/// <summary>One search: the criteria, one page of matches, what to include, and whether to count.</summary>
public sealed record SearchRequest(
    string Type,
    IReadOnlyList<SearchClause> Clauses,
    int Count,
    long? AfterCursor,
    bool WithMatches,
    bool WithTotal,
    IReadOnlyList<IncludeSpec> Includes,
    int IncludeLimit);

/// <summary>The page, the included resources (each once, none of them a match), the includes that
/// hit the limit, and the total when it was asked for.</summary>
public sealed record SearchResult(SearchPage Page, IReadOnlyList<StoredVersion> Included, IReadOnlyList<IncludeSpec> Truncated, long? Total);
