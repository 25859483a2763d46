namespace Samjournal.Fhir.Indexing;

/// <summary>
/// The search index values of one resource version, extracted at write time with the FHIRPath
/// expressions of the R4 SearchParameter definitions and written to the typed index tables in the
/// same transaction as the resource. Parameter names are the search parameter codes.
/// </summary>
public sealed class IndexEntries
{
    public List<TokenEntry> Tokens { get; } = [];

    public List<StringEntry> Strings { get; } = [];

    public List<ReferenceEntry> References { get; } = [];

    public List<DateEntry> Dates { get; } = [];

    public List<NumberEntry> Numbers { get; } = [];

    public List<QuantityEntry> Quantities { get; } = [];

    public List<UriEntry> Uris { get; } = [];

    /// <summary>The words of the narrative (<c>_text</c>) and of all the text (<c>_content</c>).</summary>
    public List<TextEntry> Texts { get; } = [];

    /// <summary>Parameters that failed to evaluate for this resource (their entries are left out,
    /// the others are complete). For the caller to log: codes and exception types, no values.</summary>
    public List<IndexExtractionError> Errors { get; } = [];
}

/// <summary>A coded value (Coding, CodeableConcept, Identifier, code, boolean, ContactPoint...).
/// <paramref name="Text"/> is the display or CodeableConcept text, for <c>:text</c>.</summary>
public readonly record struct TokenEntry(string Param, string? System, string? Code, string? Text);

/// <summary><paramref name="Normalized"/>: lower case, accents removed (ø→o, å→a, æ→ae as the
/// spec's "accent-insensitive" demands); <paramref name="Exact"/> the value as written.</summary>
public readonly record struct StringEntry(string Param, string Normalized, string Exact);

/// <summary>A reference: either a local one (<paramref name="TargetType"/>/<paramref name="TargetId"/>),
/// or an absolute URL / canonical kept in <paramref name="Url"/>. <paramref name="IdentifierSystem"/> and
/// <paramref name="IdentifierValue"/> carry Reference.identifier for <c>:identifier</c>.</summary>
public readonly record struct ReferenceEntry(
    string Param,
    string? TargetType,
    string? TargetId,
    string? Url,
    string? IdentifierSystem = null,
    string? IdentifierValue = null);

/// <summary>A date range: the value's implicit precision range (a year-only date covers the whole
/// year), inclusive start, exclusive end, in UTC.</summary>
public readonly record struct DateEntry(string Param, DateTimeOffset Start, DateTimeOffset End);

/// <summary>A number with its precision range (<c>100</c> covers [99.5, 100.5)).</summary>
public readonly record struct NumberEntry(string Param, decimal Value, decimal Low, decimal High);

public readonly record struct QuantityEntry(string Param, string? System, string? Code, string? Unit, decimal Value, decimal Low, decimal High);

public readonly record struct UriEntry(string Param, string Uri);

/// <summary>A parameter whose evaluation failed: its code and the exception type (never a message,
/// which could quote patient data).</summary>
public readonly record struct IndexExtractionError(string Param, string ExceptionType);
