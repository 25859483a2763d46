using Microsoft.Playwright;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Web;

/// <summary>
/// The real host over the seeded demo region, and a real headless Chromium (Debian's <c>chromium</c>
/// package, which <c>.ci/run</c> installs; <c>SAMJOURNAL_CHROMIUM</c> names another binary). A
/// missing browser fails the tests with a message saying so.
/// </summary>
public sealed class BrowserHost : SqliteHost, IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    protected override bool SeedDemo => true;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("SAMJOURNAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where the run saves screenshots of the main screens: the repository's docs/screenshots.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Samjournal.slnx")))
            {
                directory = directory.Parent;
            }

            var target = Path.Combine(directory?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
            Directory.CreateDirectory(target);
            return target;
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"No Chromium at {ChromiumPath}: install Debian's chromium package (.ci/run does) or set SAMJOURNAL_CHROMIUM.");
        }

        await base.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(20_000);
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Args = ["--no-sandbox"], Headless = true });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>A fresh browser session (no cookies), signed in as <paramref name="username"/> through the sign-in page.</summary>
    public async Task<IPage> SignedInAsync(string username)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Root.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        // Generous: on CI the browser shares two cores with the rest of the suite.
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Radio, new() { Name = username, Exact = false }).First.CheckAsync();
        await page.GetByLabel("Passord").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Logg inn" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        return page;
    }
}
