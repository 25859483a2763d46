using Microsoft.Extensions.Configuration;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// Messaging settings (<c>Messaging</c> in configuration). Retries back off from
/// <see cref="RetryFirst"/> doubling up to <see cref="RetryMax"/>; a message is given up (failed,
/// on the sender's queue) after <see cref="MaxAttempts"/> attempts or <see cref="GiveUpAfter"/>,
/// whichever comes first. A transmitted message without a receipt after
/// <see cref="ReceiptDeadline"/> goes on the sender's queue but stays open for a late receipt.
/// </summary>
public sealed record MessagingOptions(
    TimeSpan DeliveryInterval,
    TimeSpan ReceiptDeadline,
    TimeSpan RetryFirst,
    TimeSpan RetryMax,
    int MaxAttempts,
    TimeSpan GiveUpAfter,
    TimeSpan TransmitTimeout,
    string FallbackUnit,
    string OwnAddress,
    TimeSpan ReconciliationInterval,
    IReadOnlyList<EndpointCredentials> Credentials)
{
    public static MessagingOptions Read(IConfiguration config, string defaultFallbackUnit)
    {
        var section = config.GetSection("Messaging");
        return new MessagingOptions(
            TimeSpan.FromSeconds(section.GetValue("DeliveryIntervalSeconds", 5.0)),
            TimeSpan.FromMinutes(section.GetValue("ReceiptDeadlineMinutes", 60.0)),
            TimeSpan.FromSeconds(section.GetValue("RetryFirstSeconds", 10.0)),
            TimeSpan.FromSeconds(section.GetValue("RetryMaxSeconds", 600.0)),
            section.GetValue("MaxAttempts", 12),
            TimeSpan.FromHours(section.GetValue("GiveUpAfterHours", 24.0)),
            TimeSpan.FromSeconds(section.GetValue("TransmitTimeoutSeconds", 30.0)),
            section.GetValue<string>("FallbackUnit") ?? defaultFallbackUnit,
            (section.GetValue<string>("OwnAddress") ?? "").TrimEnd('/'),
            TimeSpan.FromMinutes(section.GetValue("ReconciliationIntervalMinutes", 60.0)),
            section.GetSection("Credentials").GetChildren().Select(c => new EndpointCredentials(
                c.GetValue<string>("Address") ?? "", c.GetValue<string>("TokenUrl") ?? "", c.GetValue<string>("ClientId") ?? "",
                c.GetValue<string>("ClientSecret") ?? "", c.GetValue<string>("Scope") ?? "system/*.cruds")).Where(c => c.Address.Length > 0).ToList());
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failed ones.</summary>
    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(RetryMax.Ticks, RetryFirst.Ticks * (1L << Math.Clamp(attempt - 1, 0, 30))));
}

/// <summary>The client credentials Samjournal uses towards endpoints whose address starts with
/// <see cref="Address"/> (SMART Backend Services: a token from <see cref="TokenUrl"/>).</summary>
public sealed record EndpointCredentials(string Address, string TokenUrl, string ClientId, string ClientSecret, string Scope);

/// <summary>Samjournal's own messaging actors: only they move a message's delivery state.</summary>
public static class MessageWorkers
{
    /// <summary>The delivery worker that transmits the outbox.</summary>
    public const string Delivery = "message-delivery";

    /// <summary>The inbox that takes messages and receipts in.</summary>
    public const string Inbox = "message-inbox";

    /// <summary>The daily reconciliation.</summary>
    public const string Reconciliation = "message-reconciliation";

    public static bool IsWorker(WriteAuthor? author) =>
        author is { Kind: "system" } && author.Subject is Delivery or Inbox or Reconciliation;
}

/// <summary>Wakes the delivery worker when a message is queued, so it goes out at once rather than
/// at the next poll. A wake for a transaction that rolls back finds nothing to do.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
