using System.Net;
using Microsoft.Playwright;

namespace Samjournal.Tests.Web;

/// <summary>
/// The web app for everyone: the whole path from sign-in to a signed note works with the keyboard
/// alone and focus is always visible; every main screen has labelled fields, named links and
/// buttons, one heading, a language, and text at WCAG AA contrast, measured in the browser on the
/// rendered page. And the overview paints the banner and CAVE before its sections have loaded.
/// </summary>
public sealed partial class WebAppBehaviour
{
    /// <summary>Runs in the page: a list of what breaks the rules (empty when nothing does). Contrast
    /// is computed as WCAG 2.x defines it, against the nearest ancestor's background.</summary>
    private const string AuditScript = """
        () => {
          const problems = [];
          for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
            if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
              problems.push('field without a label: ' + el.outerHTML.slice(0, 100));
          }
          for (const el of document.querySelectorAll('a, button, summary')) {
            if (!el.textContent.trim() && !el.getAttribute('aria-label')) problems.push('nameless control: ' + el.outerHTML.slice(0, 100));
          }
          if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count: ' + document.querySelectorAll('h1').length);
          if (!document.documentElement.lang) problems.push('no lang on html');
          const parse = c => { const p = c.match(/[\d.]+/g).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
          const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
          const background = el => {
            for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c.a > 0) return c; }
            return { r: 255, g: 255, b: 255, a: 1 };
          };
          for (const el of document.querySelectorAll('body *')) {
            if (el.tagName === 'OPTION' || el.closest('select')) continue;
            if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
            const style = getComputedStyle(el);
            if (style.display === 'none' || style.visibility === 'hidden' || el.getClientRects().length === 0) continue;
            const fg = parse(style.color), bg = background(el);
            const shown = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
            const [hi, lo] = [luminance(shown), luminance(bg)].sort((x, y) => y - x);
            const ratio = (hi + 0.05) / (lo + 0.05);
            const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
            const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
            if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed}: <${el.tagName.toLowerCase()}> "${el.textContent.trim().slice(0, 40)}"`);
          }
          return problems;
        }
        """;

    [Fact]
    public async System.Threading.Tasks.Task From_sign_in_to_a_signed_note_everything_works_with_the_keyboard_alone()
    {
        var patient = await NewPatientOfFossumAsync("Tastatur");
        var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Root.ToString().TrimEnd('/'), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        // A radio group is one tab stop; the arrow keys choose within it.
        await TabToAsync(page, "input[name=username]");
        for (var i = 0; i < 40 && !await page.EvaluateAsync<bool>("() => document.activeElement.value === 'fossum'"); i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
        }

        await TabToAsync(page, "input[name=password]");
        await page.Keyboard.TypeAsync(BrowserHost.DemoPassword);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("signed-in")).ToContainTextAsync("Eirik Fossum");

        await TabToAsync(page, "a[href='/patients']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/patients$"));
        await TabToAsync(page, "input[name=q]");
        await page.Keyboard.TypeAsync("Tastatur");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("patients")).ToBeVisibleAsync();
        await TabToAsync(page, $"a[href='/patients/{patient}']");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("patient-banner")).ToContainTextAsync("Tastatur");

        await TabToAsync(page, "textarea[name=text]");
        await page.Keyboard.TypeAsync("Skrevet og signert uten mus.");
        await TabToAsync(page, "form[action='/auth/note'] button");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("notes")).ToContainTextAsync("Skrevet og signert uten mus.");
        await context.CloseAsync();
    }

    [Fact]
    public async System.Threading.Tasks.Task Every_main_screen_has_labelled_fields_named_controls_one_heading_and_AA_contrast()
    {
        var patient = await NewPatientOfFossumAsync("Kontrast");
        var signInPage = await (await host.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Root.ToString().TrimEnd('/') })).NewPageAsync();
        await signInPage.GotoAsync("/sign-in");
        Assert.Empty(await signInPage.EvaluateAsync<string[]>(AuditScript));

        var page = await host.SignedInAsync("fossum");
        foreach (var (path, ready) in new[]
        {
            ("/", "signed-in"),
            ("/patients?q=Kontrast", "patients"),
            ($"/patients/{patient}", "medications"),
            ($"/patients/{patient}?atc=J01CA04&dosage=1&stop=allergy&stopText=Allergi", "prescribing-stop"),
        })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByTestId(ready)).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator(".loading")).ToHaveCountAsync(0);
            var problems = await page.EvaluateAsync<string[]>(AuditScript);
            Assert.True(problems.Length == 0, $"{path}: {string.Join("; ", problems)}");
        }

        var doctor = await host.SignedInAsync("haugen");
        await doctor.GotoAsync("/");
        Assert.Empty(await doctor.EvaluateAsync<string[]>(AuditScript));

        // The audit itself sees what it is for: grey text on white and a field without a label.
        await doctor.EvaluateAsync("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<p style=\"color:#999;background:#fff\">grå tekst</p><input type=\"text\" name=\"x\">')");
        var found = await doctor.EvaluateAsync<string[]>(AuditScript);
        Assert.Contains(found, p => p.StartsWith("contrast 2.85 < 4.5", StringComparison.Ordinal) && p.Contains("grå tekst", StringComparison.Ordinal));
        Assert.Contains(found, p => p.StartsWith("field without a label", StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_overview_paints_the_banner_and_CAVE_first_and_streams_the_sections_after()
    {
        var (patient, family, _) = await PatientOfFossumAsync();
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = host.Root };
        using (var signIn = await browser.PostAsync("auth/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "fossum",
            ["password"] = BrowserHost.DemoPassword,
            ["returnUrl"] = "/",
        })))
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        var html = await browser.GetStringAsync($"patients/{patient}");

        // The page as first sent, then each streamed update: some state shows the banner and CAVE while
        // sections are still loading, and the last one has every section and no placeholder.
        var parts = html.Split("<blazor-ssr>");
        Assert.True(parts.Length > 1, "The overview is not streamed: no <blazor-ssr> part.");
        Assert.Contains(parts, part => part.Contains("data-testid=\"patient-banner\"", StringComparison.Ordinal)
            && WebUtility.HtmlDecode(part).Contains(family, StringComparison.Ordinal)
            && part.Contains("data-testid=\"cave\"", StringComparison.Ordinal)
            && part.Contains("class=\"loading\"", StringComparison.Ordinal));
        Assert.Contains("data-testid=\"medications\"", parts[^1], StringComparison.Ordinal);
        Assert.Contains("data-testid=\"prescribe\"", parts[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"loading\"", parts[^1], StringComparison.Ordinal);
    }

    /// <summary>Presses Tab until the focused element matches <paramref name="selector"/>, and checks
    /// that focus shows (an outline) when it gets there.</summary>
    private static async System.Threading.Tasks.Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
                Assert.NotEqual("none", outline);
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Fail($"Tab never reached {selector} on {page.Url}.");
    }
}
