namespace Samjournal.Fhir.Storage;

/// <summary>How a version came to be; kept on the version row for history.</summary>
public enum VersionMethod : short
{
    Create = 1,
    Update = 2,
    Delete = 3,
}

/// <summary>The head of a logical resource: its key and current version (0: only referenced so far),
/// and the compartment (patient key) its current version is in.</summary>
internal readonly record struct ResourceHead(long Key, int Version, bool Deleted, long? Compartment = null);

/// <summary>One stored version of a resource: the JSON body as written (null for a delete tombstone).</summary>
public sealed record StoredVersion(
    string Type,
    string Id,
    int Version,
    DateTimeOffset LastUpdated,
    VersionMethod Method,
    byte[]? Json)
{
    public bool IsDeleted => Method == VersionMethod.Delete;

    /// <summary>The internal key of the patient whose compartment holds this version (null: none,
    /// or not read). Audit records name the patient by it.</summary>
    public long? CompartmentKey { get; init; }
}

/// <summary>A version to write; the body already carries meta.versionId and meta.lastUpdated.</summary>
internal sealed record NewVersion(
    string Type,
    string Id,
    int Version,
    DateTimeOffset LastUpdated,
    VersionMethod Method,
    byte[]? Json,
    Indexing.IndexEntries? Index,
    string? CompartmentPatientId);

/// <summary>One page of history, newest first, with the cursor of the next (older) page.</summary>
public sealed record HistoryPage(IReadOnlyList<StoredVersion> Versions, long? NextCursor);

/// <summary>Which history: system (Type null), type (Id null) or instance.</summary>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, DateTimeOffset? At, int Count, long? BeforeCursor);

/// <summary>One page of search matches with the cursors of the next and previous pages (null: none).</summary>
public sealed record SearchPage(IReadOnlyList<StoredVersion> Matches, Search.PageCursor? Next, Search.PageCursor? Previous);
