namespace Samjournal.Tests;

/// <summary>
/// The shared test data (Synthea patients, the official FHIR examples and test cases), found
/// through one setting: SAMJOURNAL_TEST_DATA, by default ../shared/data beside the checkout.
/// </summary>
public static class TestData
{
    public const string Variable = "SAMJOURNAL_TEST_DATA";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        string candidate;
        if (!string.IsNullOrEmpty(configured))
        {
            candidate = System.IO.Path.GetFullPath(configured);
        }
        else
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Samjournal.slnx")))
            {
                dir = dir.Parent;
            }

            if (dir is null)
            {
                throw new InvalidOperationException($"Cannot find the repository root (Samjournal.slnx) above {AppContext.BaseDirectory}; set {Variable} to the test data folder.");
            }

            candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "data"));
        }

        if (!Directory.Exists(candidate))
        {
            throw new InvalidOperationException($"The test data folder {candidate} does not exist. Put the shared data there or set {Variable} to where it is.");
        }

        return candidate;
    }
}
