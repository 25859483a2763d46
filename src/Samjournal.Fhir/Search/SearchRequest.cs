using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Search;

/// <summary>_include (the matches point to the targets) or _revinclude (sources point to the matches).
/// <c>*</c> as <see cref="Param"/> follows every reference parameter; <c>*</c> as
/// <see cref="SourceType"/> of a _revinclude takes referring resources of every type. With
/// <see cref="Iterate"/> it is applied again to what the includes brought, until nothing new comes.</summary>
public sealed record IncludeSpec(bool Reverse, string SourceType, string Param, string? TargetType)
{
    public bool Iterate { get; init; }

    public override string ToString() =>
        $"{(Reverse ? "_revinclude" : "_include")}{(Iterate ? ":iterate" : "")}={(SourceType == "*" ? "*" : SourceType + ":" + Param)}{(TargetType is null ? "" : ":" + TargetType)}";
}

/// <summary>How much counting a search does (_total): none is the cheap default.</summary>
public enum TotalMode
{
    None,
    Estimate,
    Accurate,
}

/// <summary>One search: the criteria, the order, one page of matches, what to include, and whether to count.</summary>
public sealed record SearchRequest(
    string Type,
    IReadOnlyList<SearchClause> Clauses,
    int Count,
    bool WithMatches,
    TotalMode Total,
    IReadOnlyList<IncludeSpec> Includes,
    int IncludeLimit)
{
    public IReadOnlyList<SortKey> Sort { get; init; } = [];

    /// <summary>Where the page starts; null for the first page.</summary>
    public PageCursor? Cursor { get; init; }

    /// <summary>The search as the client asked it (<c>Type?name=value&amp;...</c>), for its audit record.</summary>
    public string? Query { get; init; }
}

/// <summary>The page, the included resources (each once, none of them a match), the includes that
/// hit the limit, and the total when it was asked for and could be given.</summary>
public sealed record SearchResult(SearchPage Page, IReadOnlyList<StoredVersion> Included, IReadOnlyList<IncludeSpec> Truncated, long? Total);
