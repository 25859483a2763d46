using Samjournal.Fhir.Search;
using Samjournal.Fhir.Storage;

namespace Samjournal.Fhir.Interactions;

/// <summary>
/// _include and _revinclude for one page of matches (search.html#include). The first round applies
/// every include to the matches; each further round applies the <c>:iterate</c> ones to what the
/// previous round brought, until a round brings nothing new or the limit is reached. What the
/// limit cuts is named in <see cref="Truncated"/>, never dropped silently.
/// </summary>
internal sealed class SearchIncludes(StoreSession session, SearchRequest request)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public List<StoredVersion> Included { get; } = [];

    public List<IncludeSpec> Truncated { get; } = [];

    public async Task RunAsync(IReadOnlyList<StoredVersion> matches, CancellationToken ct)
    {
        _seen.UnionWith(matches.Select(Key));
        IReadOnlyList<StoredVersion> frontier = matches;
        var specs = request.Includes;
        while (frontier.Count > 0 && specs.Count > 0)
        {
            var added = new List<StoredVersion>();
            foreach (var spec in specs)
            {
                foreach (var group in frontier.GroupBy(r => r.Type, StringComparer.Ordinal))
                {
                    await ApplyAsync(spec, group.Key, group.Select(r => r.Id).ToList(), added, ct);
                }
            }

            frontier = added;
            specs = request.Includes.Where(s => s.Iterate).ToList();
        }
    }

    private async Task ApplyAsync(IncludeSpec spec, string type, List<string> ids, List<StoredVersion> added, CancellationToken ct)
    {
        var remaining = Math.Max(0, request.IncludeLimit - Included.Count);
        List<StoredVersion> found;
        if (!spec.Reverse)
        {
            if (spec.SourceType != "*" && spec.SourceType != type)
            {
                return;
            }

            found = await session.IncludeAsync(type, ids, spec.Param, spec.TargetType, remaining, ct);
        }
        else
        {
            if (spec.TargetType is not null && spec.TargetType != type)
            {
                return;
            }

            found = await session.RevIncludeAsync(spec.SourceType, spec.Param, type, ids, remaining, ct);
        }

        // The store returns at most one more than asked, so more than remaining means some were left out.
        if (found.Count > remaining && !Truncated.Contains(spec))
        {
            Truncated.Add(spec);
        }

        foreach (var resource in found)
        {
            if (Included.Count < request.IncludeLimit && _seen.Add(Key(resource)))
            {
                Included.Add(resource);
                added.Add(resource);
            }
        }
    }

    private static string Key(StoredVersion resource) => resource.Type + "/" + resource.Id;
}
