using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.WorkItems;

/// <summary>Reads open work items through a door, page by page (keyset paging, so an item changed
/// while the pages are read is neither skipped nor read twice).</summary>
internal static class OpenWorkItems
{
    private const int PageSize = 500;

    /// <summary>Open work-item Tasks, narrowed by <paramref name="extraCriteria"/> (e.g. <c>owner=Practitioner/1</c>).</summary>
    public static async Task<List<FhirTask>> ReadAsync(ScopedRepository repo, string? extraCriteria, CancellationToken ct)
    {
        var codes = string.Join(',', WorkItemTypes.All.Select(c => $"{WorkItemTypes.System}|{c}"));
        var criteria = $"code={codes}&status={WorkItemTasks.OpenStatuses}" + (extraCriteria is null ? "" : "&" + extraCriteria);
        var clauses = CriteriaParser.Parse("Task", criteria, repo.SearchParameters);
        var tasks = new List<FhirTask>();
        PageCursor? cursor = null;
        do
        {
            var request = new SearchRequest("Task", clauses, PageSize, true, TotalMode.None, [], 0) { Query = "Task?" + criteria, Cursor = cursor };
            var result = await repo.SearchAsync(request, ct);
            tasks.AddRange(result.Page.Matches.Where(v => !v.IsDeleted)
                .Select(v => FhirFormat.Parse(v.Json!, FhirMediaType.Json)).OfType<FhirTask>());
            cursor = result.Page.Next;
        }
        while (cursor is not null);

        return tasks;
    }
}
