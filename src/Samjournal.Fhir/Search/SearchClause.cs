namespace Samjournal.Fhir.Search;

/// <summary>The search parameter types of the FHIR spec that the store can answer.</summary>
public enum ClauseKind
{
    Id,
    Token,
    String,
    Reference,
    Uri,
    Date,
    Number,
    Quantity,

    /// <summary>In the compartment of the patient whose id is the single value.</summary>
    PatientCompartment,

    /// <summary>Plain-text search (<c>_text</c>, <c>_content</c>): every word of a value starts a word of the text.</summary>
    Text,

    /// <summary>A chained parameter: <c>Param</c> is the reference, <see cref="SearchClause.Chain"/> the rest.</summary>
    Chain,

    /// <summary>Reverse chaining (<c>_has</c>): <c>Param</c> is the reference parameter of the single
    /// <see cref="SearchClause.Chain"/> link's type that points back at the resource.</summary>
    ReverseChain,

    /// <summary><c>_list</c>: the resource is an entry of one of the Lists whose ids are the values.</summary>
    List,
}

/// <summary>
/// One parsed search parameter: <c>name[:modifier]=v1,v2</c>. Values are OR-ed, clauses AND-ed.
/// For dates, <see cref="DateRanges"/> holds each value's precision range and prefix.
/// </summary>
public sealed record SearchClause(string Param, ClauseKind Kind, string? Modifier, IReadOnlyList<string> Values)
{
    public IReadOnlyList<DateCriterion> DateRanges { get; init; } = [];

    public IReadOnlyList<NumberCriterion> Numbers { get; init; } = [];

    /// <summary>For a chain: each possible target type with the clause a target of that type must meet.</summary>
    public IReadOnlyList<ChainLink> Chain { get; init; } = [];

    /// <summary>For <c>:in</c>/<c>:not-in</c>: the codes of the named ValueSets, filled in by the
    /// store from the ValueSets it holds before the clause becomes SQL.</summary>
    public CodeSet? ValueSetCodes { get; init; }
}

/// <summary>The target side of a chained parameter: a target type and the clause it must meet.</summary>
public sealed record ChainLink(string TargetType, SearchClause Inner);

/// <summary>A number or quantity search value: prefix, the value with its implicit precision range
/// [Low, High), and for quantities the optional system and code.</summary>
public readonly record struct NumberCriterion(string Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code);

/// <summary>A date search value: the prefix and the value's range [Start, End).</summary>
public readonly record struct DateCriterion(string Prefix, DateTimeOffset Start, DateTimeOffset End);
