using System.Text.RegularExpressions;
using Samjournal.Fhir.Search;

namespace Samjournal.Fhir.Storage;

/// <summary>Matching composite parameters and <c>:of-type</c> on identifier tokens.</summary>
internal sealed partial class StoreSession
{
    /// <summary>
    /// A composite clause: some indexed tuple meets every component of one of the values. Each
    /// component is matched by the condition of its own type's table (token, quantity, date...) on
    /// the tuple's slot for it, whose columns have the same names under the slot's prefix; so a
    /// component is matched exactly as the single-value parameter would be.
    /// </summary>
    private string CompositeSql(Binder bind, int paramId, SearchClause clause, string row)
    {
        const string table = "idx_composite";
        var param = bind.Value(paramId);
        if (clause.Modifier == "missing")
        {
            return clause.Values[0] == "true" ? NoneOf(row, table, param, "1 = 1") : AnyOf(row, table, param, "1 = 1");
        }

        var alternatives = clause.Tuples.Select(tuple =>
            "(" + string.Join(" AND ", tuple.Select((component, i) => InSlot(ComponentCondition(bind, component), i + 1))) + ")");
        return AnyOf(row, table, param, string.Join(" OR ", alternatives));
    }

    private string ComponentCondition(Binder bind, SearchClause component)
    {
        var value = component.Values[0];
        return component.Kind switch
        {
            ClauseKind.Token => TokenCondition(bind, value),
            ClauseKind.String => StringCondition(bind, null, value),
            ClauseKind.Reference => ReferenceCondition(bind, value),
            ClauseKind.Uri => $"x.uri = {bind.Value(value)}",
            ClauseKind.Date => DateCondition(bind, component.DateRanges[0]),
            ClauseKind.Number => NumberCondition(bind, component.Numbers[0]),
            ClauseKind.Quantity => QuantityCondition(bind, component.Numbers[0]),
            _ => throw new ArgumentOutOfRangeException(nameof(component), component.Kind, "not a component type"),
        };
    }

    /// <summary>Points a single-value condition (columns <c>x.name</c>) at slot <paramref name="slot"/>
    /// (<c>x.c1_name</c>). Values are always bound parameters, so <c>x.</c> occurs only as a column.</summary>
    private static string InSlot(string condition, int slot) =>
        SlotColumn().Replace(condition, "x.c" + slot.ToString(System.Globalization.CultureInfo.InvariantCulture) + "_");

    [GeneratedRegex(@"\bx\.")]
    private static partial Regex SlotColumn();

    /// <summary><c>:of-type</c>: an identifier whose type has the coding system|code and whose value is value.</summary>
    private static string OfTypeCondition(Binder bind, string value)
    {
        var parts = value.Split('|');
        return $"(x.type_system = {bind.Value(parts[0])} AND x.type_code = {bind.Value(parts[1])} AND x.code = {bind.Value(parts[2])})";
    }
}
