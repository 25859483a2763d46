using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Audit;

/// <summary>
/// Links committed audit records into the hash chain, a moment after they commit. One chainer
/// runs at a time across all hosts (PostgreSQL advisory lock; SQLite's single writer).
/// </summary>
internal sealed partial class AuditChainer(SqlStore store, AuditOptions options, TimeProvider time, ILogger<AuditChainer> logger) : BackgroundService
{
    private const int Batch = 5000;

    /// <summary>Links everything committed so far; returns how many records it linked.</summary>
    public async Task<long> ChainAllAsync(CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            await using var session = await store.WriteAsync(ct);
            var linked = await session.ChainAuditAsync(Batch, ct);
            await session.CommitAsync(ct);
            total += linked;
            if (linked < Batch)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ChainAllAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogChainFailed(logger, e.GetType().Name);
            }

            try
            {
                await Task.Delay(options.ChainInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Linking audit records failed ({ExceptionType}); retrying")]
    private static partial void LogChainFailed(ILogger logger, string exceptionType);
}

/// <summary>How often the chainer runs, and after how long an unlinked record counts as tampering.</summary>
public sealed record AuditOptions
{
    public TimeSpan ChainInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(10);
}
