using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// The delivery worker: sends what the outbox holds and watches for receipts that do not come.
/// <list type="bullet">
/// <item>a queued message whose next attempt is due is POSTed as a FHIR message to
/// <c>{endpoint}/$process-message</c>; a 2xx makes it <c>transmitted</c> (a receipt or referral
/// answer, which the receiver processes at once, <c>delivered</c>);</item>
/// <item>no answer, a 5xx, 408, 429 or an auth failure is retried with backoff; after the last attempt
/// the message is <c>failed</c>; any other 4xx is the receiver refusing it for good: <c>rejected</c>
/// with the receiver's text;</item>
/// <item>a transmitted message without a receipt past the deadline is marked overdue (once).</item>
/// </list>
/// Every attempt is a new version of the Communication, written as the worker's own system caller;
/// rules inside the door put failures on the sender's queue. A crash between commit and transmit
/// leaves the message queued, so it is sent after restart; between transmit and recording it, it is
/// sent again, and the receiver's inbox takes it once.
/// </summary>
public sealed partial class MessageDelivery(RecordAccess records, MessagingOptions options, OutboxSignal signal, TimeProvider time, ILogger<MessageDelivery> logger)
    : BackgroundService
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Dictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>One pass: sends what is due, marks overdue receipts.</summary>
    public async Task<DeliveryPass> RunOnceAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            var repo = records.For(Caller.SystemInternal(MessageWorkers.Delivery));
            var changed = 0;
            var queued = await FindAsync(repo, DeliveryStates.Queued, ct);
            foreach (var message in queued)
            {
                if (MessageRecords.NextAttempt(message) is not { } due || due <= time.GetUtcNow())
                {
                    changed += await TransmitAsync(repo, message, ct) ? 1 : 0;
                }
            }

            var transmitted = await FindAsync(repo, DeliveryStates.Transmitted, ct);
            foreach (var message in transmitted)
            {
                if (message.GetExtensionValue<FhirBoolean>(MessageRecords.ReceiptOverdueUrl)?.Value != true
                    && (MessageRecords.QueuedAt(message) ?? DateTimeOffset.MinValue) + options.ReceiptDeadline <= time.GetUtcNow())
                {
                    message.SetExtension(MessageRecords.ReceiptOverdueUrl, new FhirBoolean(true));
                    changed += await SaveAsync(repo, message, ct) ? 1 : 0;
                }
            }

            return new DeliveryPass(changed, queued.Count + transmitted.Count);
        }
        finally
        {
            _pass.Release();
        }
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.DeliveryInterval <= TimeSpan.Zero)
        {
            return;
        }

        // After a start, look once: a crash may have left messages queued or awaiting receipts.
        // Then poll only while messages are open; an idle outbox waits for a write to wake it.
        var open = true;
        var wait = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await signal.WaitAsync(wait, stoppingToken))
                {
                    // Woken by a write that queued a message: let its transaction commit first.
                    await System.Threading.Tasks.Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
                }

                open = (await RunOnceAsync(stoppingToken)).Open > 0;
                wait = open ? options.DeliveryInterval : Timeout.InfiniteTimeSpan;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure)
            {
                LogPassFailed(logger, failure.GetType().Name);
                wait = options.DeliveryInterval;
            }
        }
    }

    private static async Task<IReadOnlyList<Communication>> FindAsync(ScopedRepository repo, string state, CancellationToken ct)
    {
        var found = new List<Communication>();
        await foreach (var message in repo.FindAllAsync("Communication", $"_tag={DeliveryStates.System}|{state}", ct))
        {
            found.Add((Communication)message);
        }

        return found;
    }

    private async Task<bool> TransmitAsync(ScopedRepository repo, Communication message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var answer = MessageTypes.Answers.Contains(MessageRecords.TypeOf(message)!);
        string outcome;
        HttpStatusCode? status = null;
        string? refusal = null;
        try
        {
            var bundle = await MessageBundles.BuildAsync(repo, message, options.OwnAddress, now, ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, MessageRecords.EndpointAddress(message) + "/$process-message")
            {
                Content = new ByteArrayContent(FhirFormat.ToJsonBytes(bundle)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
            request.Headers.Accept.ParseAdd("application/fhir+json");
            if (await TokenAsync(MessageRecords.EndpointAddress(message)!, ct) is { } token)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.TransmitTimeout);
            using var response = await Http.SendAsync(request, timeout.Token);
            status = response.StatusCode;
            outcome = $"HTTP {(int)response.StatusCode}";
            if (status == HttpStatusCode.Unauthorized)
            {
                // The receiver no longer takes our token (restarted with new keys, revoked): get a new one next time.
                _tokens.Clear();
            }

            if (!response.IsSuccessStatusCode)
            {
                refusal = Diagnostics(await response.Content.ReadAsStringAsync(ct));
                outcome += refusal is null ? "" : ": " + refusal;
            }
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            outcome = "Ingen forbindelse: " + failure.GetType().Name;
        }

        MessageRecords.AddAttempt(message, now, outcome);
        var attempts = MessageRecords.Attempts(message);
        if (status is { } code && (int)code is >= 200 and < 300)
        {
            message.SentElement = new FhirDateTime(now);
            message.RemoveExtension(MessageRecords.NextAttemptUrl);
            if (answer)
            {
                message.ReceivedElement = new FhirDateTime(now);
            }

            MessageRecords.SetState(message, answer ? DeliveryStates.Delivered : DeliveryStates.Transmitted);
            LogTransmitted(logger, message.Id!, attempts);
        }
        else if (status is { } refused && (int)refused is >= 400 and < 500 && refused is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            MessageRecords.SetReceipt(message, AppRec.Rejected, [new Coding(AppRec.ErrorSystem, AppRec.InvalidMessage, "Ugyldig melding")], refusal ?? outcome, now);
            MessageRecords.SetState(message, DeliveryStates.Rejected);
            LogRefused(logger, message.Id!, (int)refused);
        }
        else if (attempts >= options.MaxAttempts || now - (MessageRecords.QueuedAt(message) ?? now) >= options.GiveUpAfter)
        {
            message.RemoveExtension(MessageRecords.NextAttemptUrl);
            MessageRecords.SetState(message, DeliveryStates.Failed);
            LogGaveUp(logger, message.Id!, attempts);
        }
        else
        {
            message.SetExtension(MessageRecords.NextAttemptUrl, new FhirDateTime(now + options.Backoff(attempts)));
            LogRetry(logger, message.Id!, attempts);
        }

        return await SaveAsync(repo, message, ct);
    }

    /// <summary>Saves the worker's new version if nobody changed the message meanwhile (a receipt
    /// may arrive while the worker records its transmission: the receipt wins).</summary>
    private async Task<bool> SaveAsync(ScopedRepository repo, Communication message, CancellationToken ct)
    {
        try
        {
            await repo.UpdateAsync("Communication", message.Id!, message, int.Parse(message.Meta!.VersionId!, CultureInfo.InvariantCulture), ct);
            return true;
        }
        catch (FhirError problem)
        {
            LogSaveSkipped(logger, message.Id!, (int)problem.Status);
            return false;
        }
    }

    /// <summary>A bearer token for <paramref name="address"/> when credentials are configured for it
    /// (client credentials, cached until shortly before expiry).</summary>
    private async Task<string?> TokenAsync(string address, CancellationToken ct)
    {
        var credentials = options.Credentials.Where(c => address.StartsWith(c.Address, StringComparison.OrdinalIgnoreCase)).MaxBy(c => c.Address.Length);
        if (credentials is null)
        {
            return null;
        }

        if (_tokens.TryGetValue(credentials.Address, out var cached) && cached.Until > time.GetUtcNow())
        {
            return cached.Token;
        }

        using var response = await Http.PostAsync(credentials.TokenUrl, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = credentials.ClientId,
            ["client_secret"] = credentials.ClientSecret,
            ["scope"] = credentials.Scope,
        }), ct);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var token = body.RootElement.GetProperty("access_token").GetString()!;
        var lifetime = body.RootElement.TryGetProperty("expires_in", out var expires) ? expires.GetInt32() : 300;
        _tokens[credentials.Address] = (token, time.GetUtcNow().AddSeconds(Math.Max(10, lifetime - 60)));
        return token;
    }

    /// <summary>The receiver's OperationOutcome text, when it sent one.</summary>
    private static string? Diagnostics(string body)
    {
        try
        {
            return FhirFormat.Parse(body, FhirMediaType.Json) is OperationOutcome outcome
                ? string.Join(" ", outcome.Issue.Select(i => i.Diagnostics ?? i.Details?.Text).Where(t => !string.IsNullOrEmpty(t)))
                : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Message Communication/{MessageId} transmitted after {Attempts} attempts")]
    private static partial void LogTransmitted(ILogger logger, string messageId, int attempts);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Message Communication/{MessageId} not transmitted (attempt {Attempts}); retrying with backoff")]
    private static partial void LogRetry(ILogger logger, string messageId, int attempts);

    [LoggerMessage(EventId = 602, Level = LogLevel.Error, Message = "Message Communication/{MessageId} failed after {Attempts} attempts; it is on the sender's queue")]
    private static partial void LogGaveUp(ILogger logger, string messageId, int attempts);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Message Communication/{MessageId} refused by the receiver's endpoint (HTTP {Status}); it is on the sender's queue")]
    private static partial void LogRefused(ILogger logger, string messageId, int status);

    [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Message Communication/{MessageId} changed meanwhile ({Status}); looked at again on the next pass")]
    private static partial void LogSaveSkipped(ILogger logger, string messageId, int status);

    [LoggerMessage(EventId = 605, Level = LogLevel.Error, Message = "A delivery pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}

/// <summary>What one delivery pass did: messages it changed, and messages still open (queued or
/// awaiting a receipt) that keep the worker polling.</summary>
public sealed record DeliveryPass(int Changed, int Open);
