using System.Collections.Concurrent;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// The element resolver for FHIRPath <c>resolve()</c> at index time. The core parameters use it
/// only to test the target's type (<c>subject.where(resolve() is Patient)</c>), and indexing must not
/// read the database, so it answers with an empty resource of the type named in the reference text
/// itself: <c>Patient/123</c> (or <c>http://x/fhir/Patient/123</c>, or with <c>/_history/2</c>) is
/// an empty Patient. <c>urn:uuid:</c>, <c>#contained</c> and unparseable references resolve to
/// nothing, so type-filtered parameters skip them.
/// </summary>
/// <remarks>
/// Chosen over rewriting <c>.where(resolve() is X)</c> to a text test because it keeps the
/// expressions exactly as published (custom SearchParameters will use resolve() in other shapes),
/// and the stub is shared per type so it costs one dictionary lookup. Anything that navigates into
/// the resolved resource (<c>resolve().name</c>) sees an empty resource and yields nothing.
/// </remarks>
internal static class ReferenceStubs
{
    private static readonly ConcurrentDictionary<string, PocoNode?> StubsByType = new(StringComparer.Ordinal);

    public static PocoNode? Resolve(string reference) =>
        TypeOf(reference) is { } type ? StubsByType.GetOrAdd(type, CreateStub) : null;

    /// <summary>The resource type a literal reference names, or null.</summary>
    internal static string? TypeOf(string reference)
    {
        var parsed = ReferenceText.Parse(reference);
        return parsed.Kind is ReferenceKind.Relative or ReferenceKind.AbsoluteWithTypeAndId ? parsed.Type : null;
    }

    private static PocoNode? CreateStub(string type) =>
        ModelInfo.GetTypeForFhirType(type) is { } clrType && Activator.CreateInstance(clrType) is Resource stub
            ? stub.ToPocoNode()
            : null;
}

internal enum ReferenceKind
{
    None,
    Contained,
    Relative,
    AbsoluteWithTypeAndId,
    Absolute,
}

/// <summary>A literal reference taken apart: <c>Type/id</c>, <c>Type/id/_history/v</c> (version
/// dropped), an absolute URL (ending in Type/id or not), <c>#contained</c>.</summary>
internal readonly record struct ReferenceText(ReferenceKind Kind, string? Type, string? Id)
{
    public static ReferenceText Parse(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return default;
        }

        if (reference.StartsWith('#'))
        {
            return new(ReferenceKind.Contained, null, null);
        }

        var absolute = reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal);
        var path = reference.AsSpan();
        var query = path.IndexOfAny('?', '#');
        if (query >= 0)
        {
            path = path[..query];
        }

        // Walk back over "/_history/v", then take the last two segments as Type/id.
        Span<System.Range> segments = stackalloc System.Range[64];
        var count = path.Split(segments, '/');
        if (count >= 4 && path[segments[count - 2]] is "_history")
        {
            count -= 2;
        }

        if (count >= 2)
        {
            var type = path[segments[count - 2]];
            var id = path[segments[count - 1]];
            if (!id.IsEmpty && type.Length > 0 && char.IsAsciiLetterUpper(type[0]) && ModelInfo.IsKnownResource(type.ToString())
                && (absolute || count == 2))
            {
                return new(absolute ? ReferenceKind.AbsoluteWithTypeAndId : ReferenceKind.Relative, type.ToString(), id.ToString());
            }
        }

        return new(absolute ? ReferenceKind.Absolute : ReferenceKind.None, null, null);
    }
}
