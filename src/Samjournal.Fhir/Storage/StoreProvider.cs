namespace Samjournal.Fhir.Storage;

public enum StoreProvider
{
    /// <summary>The embedded default: one SQLite file in WAL mode, one writer at a time.</summary>
    Sqlite,

    /// <summary>Production: PostgreSQL through Npgsql.</summary>
    Postgres,
}

/// <summary>Which database holds the record. Bound from configuration by the host.</summary>
public sealed record StoreOptions(StoreProvider Provider, string ConnectionString);
