namespace Samjournal.Tests;

/// <summary>
/// The shared test data folder: <c>SAMJOURNAL_TEST_DATA</c> when set, otherwise <c>../shared/data</c>
/// beside the repository root (the folder holding <c>Samjournal.slnx</c>).
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
        if (!string.IsNullOrEmpty(configured))
        {
            var full = System.IO.Path.GetFullPath(configured);
            return Directory.Exists(full)
                ? full
                : throw new DirectoryNotFoundException($"{Variable} is '{configured}', but '{full}' is not a directory.");
        }

        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (repository is not null && !File.Exists(System.IO.Path.Combine(repository.FullName, "Samjournal.slnx")))
        {
            repository = repository.Parent;
        }

        if (repository is null)
        {
            throw new DirectoryNotFoundException(
                $"No Samjournal.slnx above '{AppContext.BaseDirectory}', so the shared test data cannot be found. Set {Variable} to the data folder.");
        }

        var data = System.IO.Path.GetFullPath(System.IO.Path.Combine(repository.FullName, "..", "shared", "data"));
        return Directory.Exists(data)
            ? data
            : throw new DirectoryNotFoundException($"The shared test data is not at '{data}'. Set {Variable} to the data folder.");
    }
}
