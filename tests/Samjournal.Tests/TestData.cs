namespace Samjournal.Tests;

/// <summary>
/// The shared test data folder: <c>SAMJOURNAL_TEST_DATA</c> when set, otherwise <c>../shared/data</c>.
/// A relative path is taken from the repository root (the folder holding <c>Samjournal.slnx</c>), not
/// from wherever the test host happens to run.
/// </summary>
public static class TestData
{
    public const string Variable = "SAMJOURNAL_TEST_DATA";

    private static readonly Lazy<string> root = new(Locate);

    public static string Root => root.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        var wanted = string.IsNullOrEmpty(configured) ? System.IO.Path.Combine("..", "shared", "data") : configured;
        if (!System.IO.Path.IsPathRooted(wanted))
        {
            var repository = RepositoryRoot()
                ?? throw new DirectoryNotFoundException(
                    $"No Samjournal.slnx above '{AppContext.BaseDirectory}' to resolve the test data path '{wanted}' from. Set {Variable} to an absolute path.");
            wanted = System.IO.Path.Combine(repository, wanted);
        }

        var full = System.IO.Path.GetFullPath(wanted);
        return Directory.Exists(full)
            ? full
            : throw new DirectoryNotFoundException(
                $"The shared test data is not at '{full}' ({(string.IsNullOrEmpty(configured) ? "the default" : $"from {Variable}")}). Set {Variable} to the data folder.");
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Samjournal.slnx")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
