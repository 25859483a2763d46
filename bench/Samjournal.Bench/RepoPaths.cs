namespace Samjournal.Bench;

/// <summary>Finds the repository root, the test data and the server executable.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Samjournal.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (the folder with Samjournal.slnx); run from inside the repository.");
    }

    /// <summary>The folder of Synthea transaction bundles (*.json.gz).</summary>
    public static string SyntheaDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("SAMJOURNAL_TEST_DATA");
        var baseDir = string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"))
            : Path.GetFullPath(configured);
        foreach (var candidate in new[] { Path.Combine(baseDir, "synthea-r4"), baseDir })
        {
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.json.gz").Any())
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"Test data not found: expected Synthea bundles (*.json.gz) in {Path.Combine(baseDir, "synthea-r4")}. " +
            "Set SAMJOURNAL_TEST_DATA to the folder that holds synthea-r4/ (default: ../shared/data relative to the repository root).");
    }

    /// <summary>The Release build of src/Samjournal.Server, building it when missing.</summary>
    public static string ServerExecutable(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new InvalidOperationException($"Server executable {explicitPath} does not exist.");
        }

        var path = Path.Combine(Root, "src", "Samjournal.Server", "bin", "Release", "net10.0", "Samjournal.Server");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"Building the server in Release ({path} is missing)...");
            var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet")
            {
                ArgumentList = { "build", "-c", "Release", Path.Combine(Root, "src", "Samjournal.Server") },
                WorkingDirectory = Root,
            })!;
            build.WaitForExit();
            if (build.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException("Building src/Samjournal.Server in Release failed.");
            }
        }

        return path;
    }
}
