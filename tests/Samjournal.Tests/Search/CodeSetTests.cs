using Samjournal.Fhir.Search;

namespace Samjournal.Tests.Search;

/// <summary>The code-set algebra behind :in, checked against plain sets over a small universe of
/// codes: every system of the universe is "whole" as far as the sets can tell.</summary>
public class CodeSetTests
{
    private static readonly string[] Systems = ["s1", "s2", "s3"];
    private static readonly string[] Codes = ["1", "2", "3", "4"];

    private static IEnumerable<(string System, string Code)> Universe => Systems.SelectMany(s => Codes.Select(c => (s, c)));

    /// <summary>A random set built the way a compose builds one, with its members worked out by hand.</summary>
    private static (CodeSet Set, HashSet<(string, string)> Members) RandomSet(Random random)
    {
        var set = CodeSet.Empty;
        var members = new HashSet<(string, string)>();
        foreach (var system in Systems)
        {
            switch (random.Next(3))
            {
                case 0:
                    break;
                case 1:
                    var listed = Codes.Where(_ => random.Next(2) == 0).ToList();
                    set = set.Union(CodeSet.Of(listed.Select(c => (system, c))));
                    members.UnionWith(listed.Select(c => (system, c)));
                    break;
                default:
                    var excluded = Codes.Where(_ => random.Next(2) == 0).ToList();
                    set = set.Union(CodeSet.WholeSystem(system).Except(CodeSet.Of(excluded.Select(c => (system, c)))));
                    members.UnionWith(Codes.Except(excluded).Select(c => (system, c)));
                    break;
            }
        }

        return (set, members);
    }

    [Fact]
    public void Union_intersection_and_difference_agree_with_plain_sets()
    {
        var random = new Random(20240601);
        for (var round = 0; round < 500; round++)
        {
            var (a, inA) = RandomSet(random);
            var (b, inB) = RandomSet(random);

            foreach (var (system, code) in Universe)
            {
                var x = (system, code);
                Assert.Equal(inA.Contains(x), a.Contains(system, code));
                Assert.Equal(inA.Contains(x) || inB.Contains(x), a.Union(b).Contains(system, code));
                Assert.Equal(inA.Contains(x) && inB.Contains(x), a.Intersect(b).Contains(system, code));
                Assert.Equal(inA.Contains(x) && !inB.Contains(x), a.Except(b).Contains(system, code));
            }
        }
    }

    [Fact]
    public void A_whole_system_holds_codes_no_one_listed_and_other_systems_hold_nothing()
    {
        var set = CodeSet.WholeSystem("http://loinc.org").Except(CodeSet.Of([("http://loinc.org", "1234-5")]));

        Assert.True(set.Contains("http://loinc.org", "9999-9"));
        Assert.False(set.Contains("http://loinc.org", "1234-5"));
        Assert.False(set.Contains("http://snomed.info/sct", "9999-9"));
        Assert.False(CodeSet.Empty.Contains("http://loinc.org", "1234-5"));
    }
}
