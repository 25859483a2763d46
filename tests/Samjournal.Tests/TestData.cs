namespace Samjournal.Tests;

/// <summary>The shared test data folder: <c>SAMJOURNAL_TEST_DATA</c>, or <c>../shared/data</c> beside
/// the directory that holds Samjournal.slnx.</summary>
public static class TestData
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("SAMJOURNAL_TEST_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured)
                ? configured
                : throw new DirectoryNotFoundException($"SAMJOURNAL_TEST_DATA points to '{configured}', which does not exist.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Samjournal.slnx")))
            {
                var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
                return Directory.Exists(data)
                    ? data
                    : throw new DirectoryNotFoundException($"Test data not found at '{data}'. Set SAMJOURNAL_TEST_DATA to the shared data folder.");
            }
        }

        throw new DirectoryNotFoundException(
            $"No Samjournal.slnx above '{AppContext.BaseDirectory}'. Set SAMJOURNAL_TEST_DATA to the shared data folder.");
    }
}
