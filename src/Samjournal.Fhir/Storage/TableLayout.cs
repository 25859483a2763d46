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

    public static readonly TableLayout Token = Index("idx_token", ("system", NpgsqlDbType.Text), ("code", NpgsqlDbType.Text), ("text", NpgsqlDbType.Text));

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

    public static readonly TableLayout[] IndexTables = [Token, String, Reference, Date, Number, Quantity, Uri, Text];

    private static TableLayout Index(string name, params (string Column, NpgsqlDbType Type)[] values) => new(
        name,
        ["res_key", "compartment_key", "param_id", .. values.Select(v => v.Column)],
        [NpgsqlDbType.Bigint, NpgsqlDbType.Bigint, NpgsqlDbType.Integer, .. values.Select(v => v.Type)]);
}
