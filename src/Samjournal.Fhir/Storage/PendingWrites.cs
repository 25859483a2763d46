using Samjournal.Fhir.Indexing;

namespace Samjournal.Fhir.Storage;

/// <summary>
/// Rows a write session has decided on but not yet sent. They go to the database in bulk (binary
/// COPY on PostgreSQL, multi-row INSERT on SQLite) before any read in the session and at commit,
/// so a transaction of hundreds of resources costs a handful of round trips, not thousands.
/// </summary>
internal sealed class PendingWrites
{
    public List<object?[]> HeadInserts { get; } = [];

    /// <summary>Heads that exist already: (key, version, deleted, compartment, lastUpdated, hadIndex).</summary>
    public List<(long Key, int Version, bool Deleted, long? Compartment, long Updated, bool HadIndex)> HeadUpdates { get; } = [];

    public List<object?[]> Versions { get; } = [];

    /// <summary>Index rows per resource key: a later write of the same key in the session replaces them.</summary>
    public Dictionary<long, Dictionary<TableLayout, List<object?[]>>> IndexRows { get; } = [];

    /// <summary>Audit rows (<see cref="AuditRow.ToColumns"/>), committed with the writes they record.</summary>
    public List<object?[]> AuditRows { get; } = [];

    /// <summary>Care relation rows by the resource that makes them: a later write of it in the session replaces them.</summary>
    public Dictionary<long, List<object?[]>> Relations { get; } = [];

    /// <summary>Resources whose stored care relations are replaced (they existed before, or were flushed earlier).</summary>
    public HashSet<long> RelationDeletes { get; } = [];

    /// <summary>Which organisations entries came from (<see cref="TableLayout.EntrySources"/>): appended, never replaced.</summary>
    public List<object?[]> Sources { get; } = [];

    public bool IsEmpty => HeadInserts.Count == 0 && HeadUpdates.Count == 0 && Versions.Count == 0 && IndexRows.Count == 0 && AuditRows.Count == 0
        && Relations.Count == 0 && RelationDeletes.Count == 0 && Sources.Count == 0;

    public void Clear()
    {
        HeadInserts.Clear();
        HeadUpdates.Clear();
        Versions.Clear();
        IndexRows.Clear();
        AuditRows.Clear();
        Relations.Clear();
        RelationDeletes.Clear();
        Sources.Clear();
    }

    public IEnumerable<object?[]> RowsOf(TableLayout table) =>
        IndexRows.Values.SelectMany(t => t.TryGetValue(table, out var rows) ? rows : []);

    public void SetIndex(long key, long? compartment, IndexEntries? index, Func<string, int?> paramId, Func<string?, short?> typeId)
    {
        if (index is null)
        {
            IndexRows[key] = [];
            return;
        }

        var tables = new Dictionary<TableLayout, List<object?[]>>();
        void Add(TableLayout table, string param, params object?[] values)
        {
            // Parameters outside the registered definitions have no table key and are not searchable.
            if (paramId(param) is not { } id)
            {
                return;
            }

            if (!tables.TryGetValue(table, out var rows))
            {
                tables[table] = rows = [];
            }

            rows.Add([key, compartment, id, .. values]);
        }

        foreach (var t in index.Tokens)
        {
            Add(TableLayout.Token, t.Param, t.System, t.Code, t.Text, t.TypeSystem, t.TypeCode);
        }

        foreach (var s in index.Strings)
        {
            Add(TableLayout.String, s.Param, s.Normalized, s.Exact);
        }

        foreach (var r in index.References)
        {
            Add(TableLayout.Reference, r.Param, typeId(r.TargetType), r.TargetId, r.Url, r.IdentifierSystem, r.IdentifierValue);
        }

        foreach (var d in index.Dates)
        {
            Add(TableLayout.Date, d.Param, ClampMicros(d.Start), ClampMicros(d.End));
        }

        foreach (var n in index.Numbers)
        {
            Add(TableLayout.Number, n.Param, n.Value, n.Low, n.High);
        }

        foreach (var q in index.Quantities)
        {
            Add(TableLayout.Quantity, q.Param, q.System, q.Code, q.Unit, q.Value, q.Low, q.High);
        }

        foreach (var u in index.Uris)
        {
            Add(TableLayout.Uri, u.Param, u.Uri);
        }

        foreach (var t in index.Texts)
        {
            Add(TableLayout.Text, t.Param, t.Words);
        }

        foreach (var c in index.Composites)
        {
            Add(TableLayout.Composite, c.Param, CompositeSlots(c, typeId));
        }

        IndexRows[key] = tables;
    }

    /// <summary>A tuple's values in the slot columns of <see cref="TableLayout.Composite"/>; unused slots stay null.</summary>
    private static object?[] CompositeSlots(CompositeEntry entry, Func<string?, short?> typeId)
    {
        var width = TableLayout.Composite.Columns.Length - 3;
        var perSlot = width / TableLayout.CompositeSlots;
        var values = new object?[width];
        for (var i = 0; i < entry.Components.Count && i < TableLayout.CompositeSlots; i++)
        {
            var p = entry.Components[i];
            object?[] slot =
            [
                p.System, p.Code, p.Unit, p.Value,
                p.Start is { } start ? ClampMicros(start) : null, p.End is { } end ? ClampMicros(end) : null,
                p.Normalized, typeId(p.TargetType), p.TargetId, p.Url, p.Uri,
            ];
            slot.CopyTo(values, i * perSlot);
        }

        return values;
    }

    private static long ClampMicros(DateTimeOffset value) =>
        value == DateTimeOffset.MaxValue ? long.MaxValue
        : value == DateTimeOffset.MinValue ? long.MinValue
        : StoreSession.ToMicros(value);
}
