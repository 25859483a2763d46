using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Indexing;

/// <summary>
/// Plain-text search (search.html#text, #content): <c>_text</c> over the narrative (Resource.text.div
/// with its markup stripped), <c>_content</c> over all of the resource's text (the narrative and
/// every string and markdown value, contained resources included). Both are kept as the distinct
/// words of that text, normalised like string search (<see cref="StringNormalizer"/>), one row per
/// resource and parameter. A search value matches when every one of its words starts a word of the
/// text, in any order: "odeg hans" finds "Hansen, Kari Ødegård".
/// </summary>
public static partial class TextSearch
{
    public const string Narrative = "_text";
    public const string Content = "_content";

    /// <summary>Whether <paramref name="code"/> is one of these parameters on <paramref name="type"/>:
    /// <c>_content</c> on every resource, <c>_text</c> on those that have a narrative.</summary>
    public static bool AppliesTo(string type, string code) => code switch
    {
        Content => ModelInfo.IsKnownResource(type),
        Narrative => ModelInfo.GetTypeForFhirType(type) is { } clrType && typeof(DomainResource).IsAssignableFrom(clrType),
        _ => false,
    };

    public static IEnumerable<string> CodesFor(string type) => new[] { Narrative, Content }.Where(code => AppliesTo(type, code));

    /// <summary>The normalised words of <paramref name="text"/>, each once, in order of appearance.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var normalized = StringNormalizer.Normalize(text);
        var start = -1;
        for (var i = 0; i <= normalized.Length; i++)
        {
            var inWord = i < normalized.Length && char.IsLetterOrDigit(normalized[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = normalized[start..i];
                if (seen.Add(word))
                {
                    words.Add(word);
                }

                start = -1;
            }
        }

        return words;
    }

    /// <summary>The indexed form: the words between single spaces, with a space before the first, so
    /// "a word starting with w" is the pattern <c>"% w%"</c>.</summary>
    internal static string Indexed(IReadOnlyList<string> words) => " " + string.Join(' ', words) + " ";

    /// <summary>Adds the <c>_text</c> and <c>_content</c> entries of <paramref name="resource"/>.</summary>
    internal static void Extract(Resource resource, IndexEntries entries)
    {
        var narrative = resource is DomainResource { Text.Div: { Length: > 0 } div } ? NarrativeText(div) : null;
        if (narrative is not null && Words(narrative) is { Count: > 0 } narrativeWords && AppliesTo(resource.TypeName, Narrative))
        {
            entries.Texts.Add(new TextEntry(Narrative, Indexed(narrativeWords)));
        }

        var content = new StringBuilder(narrative);
        foreach (var value in StringValues(resource))
        {
            content.Append(' ').Append(value);
        }

        if (Words(content.ToString()) is { Count: > 0 } contentWords)
        {
            entries.Texts.Add(new TextEntry(Content, Indexed(contentWords)));
        }
    }

    /// <summary>The text a reader sees in the XHTML narrative: markup removed, entities decoded.</summary>
    internal static string NarrativeText(string xhtml) => WebUtility.HtmlDecode(Markup().Replace(xhtml, " "));

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Markup();

    /// <summary>Every string and markdown value in the resource, contained resources included.
    /// Codes, ids, uris and dates are left out: they are searched by their own parameters.</summary>
    private static IEnumerable<string> StringValues(Base root)
    {
        var stack = new Stack<Base>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            var text = node switch
            {
                FhirString s => s.Value,
                Markdown m => m.Value,
                _ => null,
            };
            if (text is not null)
            {
                yield return text;
                continue;
            }

            foreach (var (_, value) in node.EnumerateElements())
            {
                switch (value)
                {
                    case Base child:
                        stack.Push(child);
                        break;
                    case IEnumerable<Base> children:
                        foreach (var child in children)
                        {
                            stack.Push(child);
                        }

                        break;
                }
            }
        }
    }
}

/// <summary>A <c>_text</c> or <c>_content</c> entry: the resource's normalised words (see <see cref="TextSearch"/>).</summary>
public readonly record struct TextEntry(string Param, string Words);
