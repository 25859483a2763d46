using Samjournal.Server.Hosting;

var builder = WebApplication.CreateBuilder(args).AddSamjournal();
var app = builder.Build().MapSamjournal();
app.Run();

/// <summary>The entry point, visible to tests that start the real host.</summary>
public partial class Program;
