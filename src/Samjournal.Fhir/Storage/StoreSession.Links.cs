using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary>Conditions that follow the reference index: chains forward, <c>_has</c> backward, and
/// <c>_list</c> through a List's entries. Only current (not deleted) resources count on the far side.
/// Like the other clauses they are uncorrelated IN subqueries, so the database may start from
/// whichever side is most selective.</summary>
internal sealed partial class StoreSession
{
    private string LinkSql(Binder bind, short typeId, SearchClause clause, string row) => clause.Kind switch
    {
        ClauseKind.Chain => ChainSql(bind, typeId, clause, row),
        ClauseKind.ReverseChain => ReverseChainSql(bind, typeId, clause, row),
        _ => ListSql(bind, typeId, clause, row),
    };

    /// <summary>A reference of this resource to a current target, of one of the link types, that
    /// meets the inner clause (itself possibly a chain: any depth nests).</summary>
    private string ChainSql(Binder bind, short typeId, SearchClause clause, string row)
    {
        if (!_store.TryParamId(typeId, clause.Param, out var referenceParam))
        {
            return "1 = 0";
        }

        var links = new List<string>();
        foreach (var link in clause.Chain)
        {
            if (!_store.TryTypeId(link.TargetType, out var targetTypeId))
            {
                continue;
            }

            var reference = bind.Alias("c");
            var target = bind.Alias("t");
            links.Add($"{row}.res_key IN (SELECT {reference}.res_key FROM idx_reference {reference} JOIN resources {target} ON {target}.type_id = {reference}.target_type_id AND {target}.id = {reference}.target_id"
                + $" WHERE {reference}.param_id = {bind.Value(referenceParam)} AND {reference}.target_type_id = {bind.Value(targetTypeId)}"
                + $" AND {target}.version > 0 AND {target}.deleted = {bind.Value(false)}{PolicyAnd(bind, target)}"
                + (ProtectedAddressSql(bind, targetTypeId, [link.Inner], target) is { } hidden ? " AND " + hidden : "")
                + $" AND {ClauseSql(bind, targetTypeId, link.Inner, target)})");
        }

        return links.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", links) + ")";
    }

    /// <summary><c>_has</c>: a current resource of the link's type whose reference parameter points
    /// at this resource and that meets the inner clause.</summary>
    private string ReverseChainSql(Binder bind, short typeId, SearchClause clause, string row)
    {
        var link = clause.Chain[0];
        if (!_store.TryTypeId(link.TargetType, out var sourceTypeId) || !_store.TryParamId(sourceTypeId, clause.Param, out var referenceParam))
        {
            return "1 = 0";
        }

        var reference = bind.Alias("h");
        var source = bind.Alias("s");
        return $"{row}.id IN (SELECT {reference}.target_id FROM idx_reference {reference} JOIN resources {source} ON {source}.res_key = {reference}.res_key"
            + $" WHERE {reference}.param_id = {bind.Value(referenceParam)} AND {reference}.target_type_id = {bind.Value(typeId)}"
            + $" AND {source}.version > 0 AND {source}.deleted = {bind.Value(false)}{PolicyAnd(bind, source)} AND {ClauseSql(bind, sourceTypeId, link.Inner, source)})";
    }

    /// <summary>The far side of a link counts only when the caller may see it: a chain or _has must
    /// not tell of a resource the caller may not read (a blocked document, another patient's result).</summary>
    private string PolicyAnd(Binder bind, string alias) =>
        PolicySql(bind, alias) is { } policy ? " AND " + policy : "";

    /// <summary><c>_list</c>: a current List with one of the ids names this resource in <c>entry.item</c>.</summary>
    private string ListSql(Binder bind, short typeId, SearchClause clause, string row)
    {
        if (!_store.TryTypeId("List", out var listTypeId) || !_store.TryParamId(listTypeId, "item", out var itemParam))
        {
            return "1 = 0";
        }

        var list = bind.Alias("l");
        var entry = bind.Alias("e");
        return $"{row}.id IN (SELECT {entry}.target_id FROM resources {list} JOIN idx_reference {entry} ON {entry}.res_key = {list}.res_key"
            + $" WHERE {list}.type_id = {bind.Value(listTypeId)} AND {list}.id IN ({string.Join(", ", clause.Values.Select(bind.Value))})"
            + $" AND {list}.version > 0 AND {list}.deleted = {bind.Value(false)}{PolicyAnd(bind, list)}"
            + $" AND {entry}.param_id = {bind.Value(itemParam)} AND {entry}.target_type_id = {bind.Value(typeId)})";
    }
}
