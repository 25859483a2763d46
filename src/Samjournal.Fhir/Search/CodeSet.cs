using System.Collections.Immutable;

namespace Samjournal.Fhir.Search;

/// <summary>
/// The codes of a ValueSet, per code system: either the listed codes, or every code of the system
/// except the listed ones. Closed under union, intersection and difference, so a compose that
/// includes a whole system and excludes a few of its codes stays exact without enumerating the
/// system, which only a terminology server could do.
/// </summary>
public sealed class CodeSet
{
    private readonly ImmutableDictionary<string, SystemCodes> _systems;

    private CodeSet(ImmutableDictionary<string, SystemCodes> systems) =>
        _systems = systems.Where(s => s.Value.AllExcept || !s.Value.Codes.IsEmpty).ToImmutableDictionary(StringComparer.Ordinal);

    public static CodeSet Empty { get; } = new(ImmutableDictionary<string, SystemCodes>.Empty);

    /// <summary>Every system in the set: with <c>AllExcept</c> false the set holds exactly
    /// <c>Codes</c> of it, with true every code of it but <c>Codes</c>.</summary>
    public IEnumerable<(string System, bool AllExcept, IReadOnlyCollection<string> Codes)> Systems =>
        _systems.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value.AllExcept, (IReadOnlyCollection<string>)s.Value.Codes));

    /// <summary>How many codes are listed (kept or left out); what a query over the set binds.</summary>
    public int ListedCodes => _systems.Values.Sum(s => s.Codes.Count);

    public bool Contains(string system, string code) =>
        _systems.TryGetValue(system, out var codes) && codes.AllExcept != codes.Codes.Contains(code);

    public static CodeSet WholeSystem(string system) =>
        new(ImmutableDictionary<string, SystemCodes>.Empty.Add(system, new SystemCodes(true, [])));

    public static CodeSet Of(IEnumerable<(string System, string Code)> codes) =>
        new(codes.GroupBy(c => c.System, StringComparer.Ordinal)
            .ToImmutableDictionary(g => g.Key, g => new SystemCodes(false, g.Select(c => c.Code).ToImmutableHashSet(StringComparer.Ordinal)), StringComparer.Ordinal));

    public CodeSet Union(CodeSet other) => Combine(other, keepMine: true, keepTheirs: true, (a, b) => (a.AllExcept, b.AllExcept) switch
    {
        (false, false) => new(false, a.Codes.Union(b.Codes)),
        (true, false) => new(true, a.Codes.Except(b.Codes)),
        (false, true) => new(true, b.Codes.Except(a.Codes)),
        _ => new(true, a.Codes.Intersect(b.Codes)),
    });

    public CodeSet Intersect(CodeSet other) => Combine(other, keepMine: false, keepTheirs: false, (a, b) => (a.AllExcept, b.AllExcept) switch
    {
        (false, false) => new(false, a.Codes.Intersect(b.Codes)),
        (true, false) => new(false, b.Codes.Except(a.Codes)),
        (false, true) => new(false, a.Codes.Except(b.Codes)),
        _ => new(true, a.Codes.Union(b.Codes)),
    });

    public CodeSet Except(CodeSet other) => Combine(other, keepMine: true, keepTheirs: false, (a, b) => (a.AllExcept, b.AllExcept) switch
    {
        (false, false) => new(false, a.Codes.Except(b.Codes)),
        (true, false) => new(true, a.Codes.Union(b.Codes)),
        (false, true) => new(false, a.Codes.Intersect(b.Codes)),
        _ => new(false, b.Codes.Except(a.Codes)),
    });

    /// <summary>Applies <paramref name="both"/> to systems in both sets; a system in only one set is
    /// kept as it is or dropped, as the operation says.</summary>
    private CodeSet Combine(CodeSet other, bool keepMine, bool keepTheirs, Func<SystemCodes, SystemCodes, SystemCodes> both)
    {
        var result = ImmutableDictionary.CreateBuilder<string, SystemCodes>(StringComparer.Ordinal);
        foreach (var (system, mine) in _systems)
        {
            if (other._systems.TryGetValue(system, out var theirs))
            {
                result[system] = both(mine, theirs);
            }
            else if (keepMine)
            {
                result[system] = mine;
            }
        }

        if (keepTheirs)
        {
            foreach (var (system, theirs) in other._systems.Where(s => !_systems.ContainsKey(s.Key)))
            {
                result[system] = theirs;
            }
        }

        return new CodeSet(result.ToImmutable());
    }

    private readonly record struct SystemCodes(bool AllExcept, ImmutableHashSet<string> Codes);
}
