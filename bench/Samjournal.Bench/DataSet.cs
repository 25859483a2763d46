using System.IO.Compression;
using System.Text.Json;

namespace Samjournal.Bench;

/// <summary>One transaction Bundle, decompressed into memory.</summary>
internal sealed record BundleFile(string Name, byte[] Json, int Entries);

/// <summary>The Synthea data set: the shared bundles (hospital, practitioners) and the patient bundles.</summary>
internal sealed record DataSet(IReadOnlyList<BundleFile> Shared, IReadOnlyList<BundleFile> Patients)
{
    public int TotalEntries => Shared.Sum(b => b.Entries) + Patients.Sum(b => b.Entries);
    public int BundleCount => Shared.Count + Patients.Count;

    /// <param name="maxPatients">Load only the first N patient bundles (trial runs); null: all.</param>
    public static DataSet Load(string directory, int? maxPatients = null)
    {
        var files = Directory.GetFiles(directory, "*.json.gz").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var shared = files.Where(f => Path.GetFileName(f).StartsWith("hospitalInformation", StringComparison.Ordinal))
            .Concat(files.Where(f => Path.GetFileName(f).StartsWith("practitionerInformation", StringComparison.Ordinal)))
            .ToArray();
        var patients = files.Where(f => Path.GetFileName(f).StartsWith("patient-", StringComparison.Ordinal)).Take(maxPatients ?? int.MaxValue).ToArray();
        if (shared.Length == 0 || patients.Length == 0)
        {
            throw new InvalidOperationException($"{directory} lacks hospitalInformation*/practitionerInformation* or patient-* bundles.");
        }

        var loaded = new BundleFile[shared.Length + patients.Length];
        Parallel.For(0, loaded.Length, i => loaded[i] = Read(i < shared.Length ? shared[i] : patients[i - shared.Length]));
        return new DataSet(loaded[..shared.Length], loaded[shared.Length..]);
    }

    private static BundleFile Read(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gzip.CopyTo(buffer);
        var json = buffer.ToArray();
        using var doc = JsonDocument.Parse(json);
        var entries = doc.RootElement.TryGetProperty("entry", out var entry) ? entry.GetArrayLength() : 0;
        return new BundleFile(Path.GetFileName(path), json, entries);
    }
}
