using Microsoft.Extensions.Hosting;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Reindexing;

namespace Samjournal.Access;

/// <summary>
/// Runs the reindex jobs of custom SearchParameters in the background, batch by batch; the
/// engine does the work. Stopping the host between or inside a batch loses nothing: a batch
/// commits whole or not at all, and the next start continues after the last committed one.
/// </summary>
internal sealed class ReindexWorker(FhirEngine engine, ReindexOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await engine.ReindexStepAsync(options.BatchSize, stoppingToken))
                {
                    if (options.BatchPause > TimeSpan.Zero)
                    {
                        await Task.Delay(options.BatchPause, time, stoppingToken);
                    }

                    continue;
                }

                if (!await engine.WaitForReindexWorkAsync(options.Poll, stoppingToken))
                {
                    // Idle: another host may have queued a job or changed a parameter.
                    await engine.LoadSearchParametersAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
