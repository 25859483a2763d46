using System.Collections.Concurrent;
using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Logging;

/// <summary>Collects every log line the host writes, at every level.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category} {formatter(state, exception)} {exception}");
    }
}

public sealed class VerboseLoggingSqliteHost : SqliteHost
{
    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureBuilder(WebApplicationBuilder builder)
    {
        // Everything at Trace, also what appsettings.json would quieten: only the code's own filters remain.
        builder.Configuration["Logging:LogLevel:Default"] = "Trace";
        builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(Logs);
    }
}

public sealed class NoPatientDataInLogsTests(VerboseLoggingSqliteHost host) : RestTestBase(host), IClassFixture<VerboseLoggingSqliteHost>
{
    [Fact]
    public async Task Writes_reads_searches_and_failures_log_no_name_or_national_id_even_at_trace_level()
    {
        var fnr = "0101" + Unique()[..7];
        var patient = NewPatient("Særpregetnavn");
        patient.Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.1", fnr)];
        var created = await CreateAsync(patient);
        await Client.GetAsync($"Patient/{created.Id}");
        await Client.DeleteAsync($"Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|{fnr}");
        var bad = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Særpregetnavn\"}],\"birthDate\":\"" + fnr + "\"}";
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.PostAsync("Patient", FhirClientExtensions.Json(bad))).StatusCode);

        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(fnr, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("Særpregetnavn", StringComparison.Ordinal));
    }
}
