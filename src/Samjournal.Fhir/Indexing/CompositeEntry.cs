namespace Samjournal.Fhir.Indexing;

/// <summary>
/// One tuple of a composite parameter: the values of its components taken from the same element
/// (one Observation.component, one useContext...), so a search for code A with value B never pairs
/// the code of one element with the value of another.
/// </summary>
public readonly record struct CompositeEntry(string Param, IReadOnlyList<CompositePart> Components)
{
    public override string ToString() => Param + " (" + string.Join(" $ ", Components) + ")";
}

/// <summary>
/// The value of one component, in the columns the single-value index of its type has: token
/// (system, code), quantity (system, code, unit, value), number (value), date (start, end), string
/// (normalized), reference (target type and id, or url) and uri. The rest stay null.
/// </summary>
public readonly record struct CompositePart(
    string? System = null,
    string? Code = null,
    string? Unit = null,
    decimal? Value = null,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    string? Normalized = null,
    string? TargetType = null,
    string? TargetId = null,
    string? Url = null,
    string? Uri = null)
{
    public static CompositePart Of(TokenEntry t) => new(System: t.System, Code: t.Code);

    public static CompositePart Of(QuantityEntry q) => new(System: q.System, Code: q.Code, Unit: q.Unit, Value: q.Value);

    public static CompositePart Of(NumberEntry n) => new(Value: n.Value);

    public static CompositePart Of(DateEntry d) => new(Start: d.Start, End: d.End);

    public static CompositePart Of(StringEntry s) => new(Normalized: s.Normalized);

    public static CompositePart Of(ReferenceEntry r) => new(TargetType: r.TargetType, TargetId: r.TargetId, Url: r.Url);

    public static CompositePart Of(UriEntry u) => new(Uri: u.Uri);
}
