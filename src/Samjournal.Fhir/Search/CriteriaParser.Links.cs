using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Fhir.Search;

/// <summary>
/// Parameters that follow references: chains (<c>subject:Patient.general-practitioner.name</c>,
/// search.html#chaining), reverse chains (<c>_has:Observation:patient:code</c>, search.html#has)
/// and <c>_list</c> (search.html#list).
/// </summary>
public sealed partial class CriteriaParser
{
    /// <summary>References one parameter may follow, chain links and <c>_has</c> levels together.
    /// Each is a nested subquery; past a few the question is rarely meant and the query is costly.</summary>
    internal const int MaxLinks = 4;

    /// <summary>Target-type branches (one subquery each) one parameter may fan out to. A link
    /// without <c>:Type</c> searches every type the reference can point to, and those multiply per
    /// link: one untyped link to any type (145 in R4) fits, two such links do not.</summary>
    internal const int MaxBranches = 160;

    private static bool IsLinked(string name) =>
        name.StartsWith("_has", StringComparison.Ordinal) || name.Split(':')[0] == "_list" || name.Contains('.', StringComparison.Ordinal);

    /// <summary>Why a linked parameter cannot be answered (null when it can), and how many
    /// target-type branches it becomes.</summary>
    private (string? Problem, int Branches) AnalyzeLinked(string type, string name)
    {
        if (name.Split(':')[0] == "_list")
        {
            return (name == "_list" ? null : $"Modifiers are not supported on '_list' ('{name}').", 1);
        }

        var links = name.Count(c => c == '.') + Occurrences(name, "_has:");
        if (links > MaxLinks)
        {
            return ($"'{name}' follows {links} references; at most {MaxLinks} are supported in one parameter.", 0);
        }

        var (problem, branches) = name.StartsWith("_has", StringComparison.Ordinal) ? AnalyzeHas(type, name) : AnalyzeChain(type, name).Outcome;
        if (problem is null && branches > MaxBranches)
        {
            problem = $"'{name}' fans out to {branches} combinations of target types (at most {MaxBranches}); name the types on the links, as in subject:Patient.name.";
        }

        return (problem, branches);
    }

    private (string? Problem, int Branches) Analyze(string type, string name) =>
        IsLinked(name) ? AnalyzeLinked(type, name) : (Unsupported(type, name), 1);

    /// <summary>One link of a chain: the reference parameter, the target types worth searching (those
    /// on which the rest of the chain can be answered), and the rest.</summary>
    private sealed record ChainSplit(string Reference, IReadOnlyList<string> Targets, string Tail, (string? Problem, int Branches) Outcome);

    private ChainSplit AnalyzeChain(string type, string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var head = name[..dot];
        var tail = name[(dot + 1)..];
        var colon = head.IndexOf(':', StringComparison.Ordinal);
        var reference = colon < 0 ? head : head[..colon];
        var named = colon < 0 ? null : head[(colon + 1)..];
        ChainSplit Refused(string problem) => new(reference, [], tail, (problem, 0));

        if (catalog.Find(type, reference) is not { Type: SearchParamType.Reference } definition)
        {
            return Refused($"In the chained parameter '{name}', '{reference}' is not a reference parameter of {type}, so it cannot be chained.");
        }

        if (tail.Length == 0)
        {
            return Refused($"The chained parameter '{name}' names no parameter after the '.'.");
        }

        if (named is not null && !definition.Targets.Contains(named, StringComparer.Ordinal))
        {
            return Refused(ResourceIds.IsKnownType(named)
                ? $"In the chained parameter '{name}', {type}.{reference} cannot refer to a {named}; it refers to {string.Join(", ", definition.Targets)}."
                : $"In the chained parameter '{name}', '{named}' is not a resource type.");
        }

        // Without :Type every type the reference can point to is searched (search.html#chaining),
        // as far as the rest of the chain means something on it.
        var candidates = named is null ? definition.Targets : [named];
        var analysed = candidates.Select(t => (Type: t, Outcome: Analyze(t, tail))).ToList();
        var answered = analysed.Where(a => a.Outcome.Problem is null).ToList();
        if (answered.Count > 0)
        {
            return new ChainSplit(reference, answered.Select(a => a.Type).ToList(), tail, (null, answered.Sum(a => a.Outcome.Branches)));
        }

        var tailCode = tail.Split(':', '.')[0];
        var relevant = analysed.FirstOrDefault(a => tailCode is "_has" or "_list" or "_id" || catalog.Find(a.Type, tailCode) is not null || catalog.FindSkipped(a.Type, tailCode) is not null);
        return Refused(relevant.Type is null
            ? $"In the chained parameter '{name}', no type that {type}.{reference} refers to has a search parameter '{tailCode}'."
            : $"In the chained parameter '{name}', on {relevant.Type}: {relevant.Outcome.Problem}");
    }

    /// <summary><c>_has:Type:reference:rest</c>: resources of Type whose <c>reference</c> points here and that meet <c>rest</c>.</summary>
    private static (string Source, string Reference, string Tail)? SplitHas(string name)
    {
        var parts = name.Split(':', 4);
        return parts is ["_has", { Length: > 0 } source, { Length: > 0 } reference, { Length: > 0 } tail] ? (source, reference, tail) : null;
    }

    private (string? Problem, int Branches) AnalyzeHas(string type, string name)
    {
        if (SplitHas(name) is not var (source, reference, tail))
        {
            return ($"'{name}' is not a valid reverse chain: write _has:Type:reference:parameter, as in _has:Observation:patient:code.", 0);
        }

        if (!ResourceIds.IsKnownType(source))
        {
            return ($"In '{name}', '{source}' is not a resource type.", 0);
        }

        if (catalog.Find(source, reference) is not { Type: SearchParamType.Reference } definition)
        {
            return ($"In '{name}', '{reference}' is not a reference parameter of {source}.", 0);
        }

        if (!definition.Targets.Contains(type, StringComparer.Ordinal))
        {
            return ($"In '{name}', {source}.{reference} cannot refer to a {type}; it refers to {string.Join(", ", definition.Targets)}.", 0);
        }

        var (problem, branches) = Analyze(source, tail);
        return (problem is null ? null : $"In '{name}', on {source}: {problem}", branches);
    }

    /// <summary>Why the values of a parameter cannot be answered although its name can, or null.</summary>
    private string? UnsupportedValues(string name, IEnumerable<string> values) =>
        name == "_list" && values.FirstOrDefault(v => v.StartsWith('$')) is { } functional
            ? $"Functional lists such as '_list={functional}' are not supported; name a List by its id."
            : null;

    private SearchClause LinkedClause(string type, string name, List<string> values)
    {
        if (name == "_list")
        {
            if (UnsupportedValues(name, values) is { } problem)
            {
                throw FhirOperationException.BadRequest(problem);
            }

            return new SearchClause(name, ClauseKind.List, null, values);
        }

        if (name.StartsWith("_has", StringComparison.Ordinal))
        {
            var (source, reference, tail) = SplitHas(name)!.Value;
            return new SearchClause(reference, ClauseKind.ReverseChain, null, values) { Chain = [new ChainLink(source, Clause(source, tail, values))] };
        }

        var chain = AnalyzeChain(type, name);
        return new SearchClause(chain.Reference, ClauseKind.Chain, null, values) { Chain = chain.Targets.Select(t => new ChainLink(t, Clause(t, chain.Tail, values))).ToList() };
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
