using Microsoft.Extensions.Time.Testing;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// A host over the seeded demo region for messaging tests: the test moves the clock and runs the
/// delivery worker's and the reconciliation's passes itself (their timers are off), retries back off
/// from 10 s, three attempts before a message fails, receipts are due within 30 minutes.
/// </summary>
internal static class MessagingHostSetup
{
    public static void Configure(WebApplicationBuilder builder, FakeTimeProvider time)
    {
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WorkItems:EscalationIntervalSeconds"] = "0",
            ["Messaging:DeliveryIntervalSeconds"] = "0",
            ["Messaging:ReconciliationIntervalMinutes"] = "0",
            ["Messaging:RetryFirstSeconds"] = "10",
            ["Messaging:RetryMaxSeconds"] = "60",
            ["Messaging:MaxAttempts"] = "3",
            ["Messaging:ReceiptDeadlineMinutes"] = "30",
            ["Messaging:TransmitTimeoutSeconds"] = "5",
            ["Messaging:OwnAddress"] = "http://127.0.0.1:5080/fhir",
        });
    }
}

public sealed class MessagingSqliteHost : SqliteHost
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override bool SeedDemo => true;

    protected override void ConfigureBuilder(WebApplicationBuilder builder) => MessagingHostSetup.Configure(builder, Time);
}

public sealed class MessagingPostgresHost : PostgresHost
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override bool SeedDemo => true;

    protected override void ConfigureBuilder(WebApplicationBuilder builder) => MessagingHostSetup.Configure(builder, Time);
}
