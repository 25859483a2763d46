using Samjournal.Access.Repository;

namespace Samjournal.Server.Auth;

/// <summary>Wires sign-in into the host: the embedded authorization server or trust in an external
/// one, the per-request <see cref="Caller"/>, and the FHIR API's token and scope gate.</summary>
internal static class AuthSetup
{
    public static WebApplicationBuilder AddSamjournalAuth(this WebApplicationBuilder builder)
    {
        var options = AuthOptions.From(builder.Configuration, builder.Environment);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddHttpContextAccessor();
        services.AddScoped<CallerOverride>();
        // Null outside a request: the record then falls back to its in-process system caller.
        services.AddScoped<Caller>(sp => RequestCaller.Resolve(sp)!);
        services.AddSingleton<DemoDirectory>();
        if (options.Embedded)
        {
            EmbeddedServer.Add(services, options);
        }
        else
        {
            ExternalAuthority.Add(services, options);
        }

        return builder;
    }

    /// <summary>Call before the FHIR endpoints are mapped and after the exception handler.</summary>
    public static WebApplication UseSamjournalAuth(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AuthOptions>();
        app.UseAuthentication();
        app.UseFhirAccessGate();
        if (options.Embedded)
        {
            app.MapPost(EmbeddedServer.TokenPath, TokenEndpoint.HandleAsync).ExcludeFromDescription();
            app.MapMethods(EmbeddedServer.AuthorizePath, [HttpMethods.Get, HttpMethods.Post], AuthorizeEndpoint.HandleAsync).ExcludeFromDescription();
        }

        SmartConfiguration.Map(app);
        return app;
    }
}
