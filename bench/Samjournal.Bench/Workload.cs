using System.Diagnostics;

namespace Samjournal.Bench;

/// <summary>The loaded bundles with a clone template per patient bundle, made once for all backends.</summary>
internal sealed record Workload(DataSet Data, IReadOnlyList<BundleTemplate> Templates, IReadOnlyList<(string System, string Code)> ObservationCodes)
{
    public static Workload Create(DataSet data)
    {
        var clock = Stopwatch.StartNew();
        var templates = new BundleTemplate[data.Patients.Count];
        Parallel.For(0, templates.Length, i => templates[i] = BundleTemplate.Create(data.Patients[i]));
        Console.Error.WriteLine($"Clone templates for {templates.Length} patient bundles in {clock.Elapsed.TotalSeconds:N1} s.");
        return new Workload(data, templates, [.. templates.SelectMany(t => t.ObservationCodes)]);
    }
}
