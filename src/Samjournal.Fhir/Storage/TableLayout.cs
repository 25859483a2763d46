using NpgsqlTypes;

namespace Samjournal.Fhir.Storage;

/// <summary>The columns the write path fills, with their PostgreSQL types for binary COPY.</summary>
internal sealed record TableLayout(string Name, string[] Columns, NpgsqlDbType[] Types)
{
    public static readonly TableLayout Resources = new(
        "resources",
        ["res_key", "type_id", "id", "version", "deleted", "compartment_key", "last_updated"],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Smallint, NpgsqlDbType.Text, NpgsqlDbType.Integer, NpgsqlDbType.Boolean, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint]);

    public static readonly TableLayout Versions = new(
        "resource_versions",
        ["res_key", "version", "type_id", "compartment_key", "last_updated", "method", "body"],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Integer, NpgsqlDbType.Smallint, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Smallint, NpgsqlDbType.Bytea]);

    /// <summary>The audit trail; seq and (on PostgreSQL) tx come from the database.</summary>
    public static readonly TableLayout AuditLog = new(
        "audit_log",
        ["recorded_us", "actor_kind", "actor_subject", "actor_name", "actor_hpr", "actor_role", "actor_org", "actor_unit", "purpose",
         "action", "interaction", "what", "patient_key", "basis", "outcome", "detail"],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text,
         NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Smallint, NpgsqlDbType.Text]);

    public static readonly TableLayout AuditChain = new("audit_chain", ["pos", "seq", "chain_hash"], [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Bytea]);

    public static readonly TableLayout CareRelations = new(
        "care_relations",
        ["source_key", "patient_key", "grantee", "basis", "valid_from_us", "valid_until_us"],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Text, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint]);

    public static readonly TableLayout EntrySources = new(
        "entry_sources", ["res_key", "source", "made_us"], [NpgsqlDbType.Bigint, NpgsqlDbType.Text, NpgsqlDbType.Bigint]);

    public static readonly TableLayout Token = Index(
        "idx_token",
        ("system", NpgsqlDbType.Text), ("code", NpgsqlDbType.Text), ("text", NpgsqlDbType.Text),
        ("type_system", NpgsqlDbType.Text), ("type_code", NpgsqlDbType.Text));

    public static readonly TableLayout String = Index("idx_string", ("normalized", NpgsqlDbType.Text), ("exact", NpgsqlDbType.Text));

    public static readonly TableLayout Reference = Index(
        "idx_reference",
        ("target_type_id", NpgsqlDbType.Smallint), ("target_id", NpgsqlDbType.Text), ("url", NpgsqlDbType.Text),
        ("identifier_system", NpgsqlDbType.Text), ("identifier_value", NpgsqlDbType.Text));

    public static readonly TableLayout Date = Index("idx_date", ("start_us", NpgsqlDbType.Bigint), ("end_us", NpgsqlDbType.Bigint));

    public static readonly TableLayout Number = Index("idx_number", ("value", NpgsqlDbType.Numeric), ("low", NpgsqlDbType.Numeric), ("high", NpgsqlDbType.Numeric));

    public static readonly TableLayout Quantity = Index(
        "idx_quantity",
        ("system", NpgsqlDbType.Text), ("code", NpgsqlDbType.Text), ("unit", NpgsqlDbType.Text),
        ("value", NpgsqlDbType.Numeric), ("low", NpgsqlDbType.Numeric), ("high", NpgsqlDbType.Numeric));

    public static readonly TableLayout Uri = Index("idx_uri", ("uri", NpgsqlDbType.Text));

    public static readonly TableLayout Text = Index("idx_text", ("words", NpgsqlDbType.Text));

    /// <summary>Three slots of the same columns, in the order of <see cref="CompositeSlotColumns"/>.</summary>
    public static readonly TableLayout Composite = Index(
        "idx_composite",
        [.. Enumerable.Range(1, CompositeSlots).SelectMany(n => CompositeSlotColumns.Select(c => ($"c{n}_{c.Column}", c.Type)))]);

    public static readonly TableLayout[] IndexTables = [Token, String, Reference, Date, Number, Quantity, Uri, Text, Composite];

    /// <summary>The most components an R4 composite has (MolecularSequence's coordinates).</summary>
    public const int CompositeSlots = 3;

    private static (string Column, NpgsqlDbType Type)[] CompositeSlotColumns =>
    [
        ("system", NpgsqlDbType.Text), ("code", NpgsqlDbType.Text), ("unit", NpgsqlDbType.Text), ("value", NpgsqlDbType.Numeric),
        ("start_us", NpgsqlDbType.Bigint), ("end_us", NpgsqlDbType.Bigint), ("normalized", NpgsqlDbType.Text),
        ("target_type_id", NpgsqlDbType.Smallint), ("target_id", NpgsqlDbType.Text), ("url", NpgsqlDbType.Text), ("uri", NpgsqlDbType.Text),
    ];

    private static TableLayout Index(string name, params (string Column, NpgsqlDbType Type)[] values) => new(
        name,
        ["res_key", "compartment_key", "param_id", .. values.Select(v => v.Column)],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, .. values.Select(v => v.Type)]);
}
