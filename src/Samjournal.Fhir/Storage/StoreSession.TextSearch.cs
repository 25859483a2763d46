using Samjournal.Fhir.Indexing;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary>_text and _content: word-prefix matching over the normalised words in idx_text.</summary>
internal sealed partial class StoreSession
{
    /// <summary>Every word of a value must start a word of the text (AND); comma-separated values are
    /// alternatives (OR). The search words are normalised as the indexed ones were.</summary>
    private string TextClauseSql(Binder bind, short typeId, SearchClause clause, string row)
    {
        if (!_store.TryParamId(typeId, clause.Param, out var paramId))
        {
            return "1 = 0";
        }

        var alternatives = clause.Values.Select(value => "(" + string.Join(
            " AND ",
            TextSearch.Words(value).Select(word => $"x.words LIKE {bind.Value("% " + EscapeLike(word) + "%")} ESCAPE '\\'")) + ")");

        // An uncorrelated IN, like the other clauses: on PostgreSQL the trigram index drives it.
        return AnyOf(row, "idx_text", bind.Value(paramId), string.Join(" OR ", alternatives));
    }
}
