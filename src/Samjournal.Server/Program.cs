using Samjournal.Server.Hosting;

// The configuration ships next to the binaries (appsettings.json: work-item routes, sign-in), so
// the server reads the same settings whatever directory it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }).AddSamjournal();
var app = builder.Build().MapSamjournal();
app.Run();

/// <summary>The entry point, visible to tests that start the real host.</summary>
public partial class Program;
