using Microsoft.AspNetCore;
using System.Net;
using System.Text;
using OpenIddict.Abstractions;
using Samjournal.Clinical.Demo;

namespace Samjournal.Server.Auth;

/// <summary>
/// The authorization endpoint of the embedded server (<c>/connect/authorize</c>), for SMART apps'
/// standalone launch: GET shows a sign-in page listing the demo users; the page posts the original
/// request back with the chosen user and the demo password, and a correct password sends the
/// browser to the app's redirect URI with a code. OpenIddict has checked the client, the redirect
/// URI and the PKCE challenge before this runs. There is no consent step and no session: every
/// launch signs in again.
/// </summary>
internal static class AuthorizeEndpoint
{
    private static readonly HashSet<string> OwnFields = new(StringComparer.Ordinal) { "username", "password" };

    public static async Task<IResult> HandleAsync(HttpContext http, AuthOptions options, DemoDirectory directory, ILoggerFactory loggers)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (directory.Users.Count == 0)
        {
            return Page(request, directory, "Sign-in with demo users is off (Auth:DemoMode), and this server has no other users.", StatusCodes.Status403Forbidden);
        }

        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType || !http.Request.Form.ContainsKey("username"))
        {
            return Page(request, directory, null, StatusCodes.Status200OK);
        }

        var user = directory.Find(http.Request.Form["username"]);
        if (user is null || !directory.PasswordMatches(http.Request.Form["password"]))
        {
            AuthLog.SignInRefused(loggers.CreateLogger(typeof(AuthorizeEndpoint)), "authorization_code", request.ClientId ?? "");
            return Page(request, directory, "The username or password is wrong.", StatusCodes.Status200OK);
        }

        return await TokenEndpoint.IssueForUserAsync(http, user, request.GetScopes(), options, directory, loggers.CreateLogger(typeof(AuthorizeEndpoint)), "authorization_code");
    }

    private static IResult Page(OpenIddictRequest request, DemoDirectory directory, string? error, int status)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in to Samjournal</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}label{display:block;padding:.15rem 0}.error{color:#a00}</style></head><body>")
            .Append("<h1>Sign in to Samjournal</h1>")
            .Append("<p>Demo region Fjordvik. <strong>").Append(E(request.ClientId)).Append("</strong> asks for: <code>").Append(E(request.Scope)).Append("</code></p>");
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>");
        }

        html.Append("<form method=\"post\">");
        foreach (var (name, value) in request.GetParameters())
        {
            if (!OwnFields.Contains(name))
            {
                html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E((string?)value)).Append("\">");
            }
        }

        foreach (var group in directory.Users.GroupBy(u => u.Kind))
        {
            html.Append("<fieldset><legend>").Append(group.Key == DemoUserKind.Staff ? "Health personnel" : "Citizens").Append("</legend>");
            foreach (var user in group)
            {
                var about = user.Kind == DemoUserKind.Staff ? $"{user.RoleText}, {user.UnitName}" : $"{user.Age} years";
                html.Append("<label><input type=\"radio\" name=\"username\" value=\"").Append(E(user.Username)).Append("\" required> ")
                    .Append(E(user.Name)).Append(" <small>(").Append(E(user.Username)).Append(": ").Append(E(about)).Append(")</small></label>");
            }

            html.Append("</fieldset>");
        }

        html.Append("<p><label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label> <small>(the demo password, see README)</small></p>")
            .Append("<p><button type=\"submit\">Sign in</button></p></form></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
