using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.WorkItems;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>One organisation's messages of one day (UTC), and whether they add up.</summary>
public sealed record ReconciliationReport(
    string Organisation,
    DateOnly Day,
    int Created,
    int Delivered,
    int RejectedHandled,
    int InFlight,
    IReadOnlyList<string> Unaccounted)
{
    /// <summary>created = delivered + rejected-and-handled + in flight within deadline.</summary>
    public bool Balanced => Unaccounted.Count == 0 && Created == Delivered + RejectedHandled + InFlight;
}

/// <summary>
/// The daily reconciliation (avstemming) of what an organisation sent: every message created that
/// day (from the organisation or its units) is delivered, or rejected or failed with its work item
/// closed, or still in flight within its receipt deadline. Anything else is unaccounted for: the
/// worker raises one alarm work item per organisation and day on the queue of the unit that sent
/// the first unaccounted message.
/// </summary>
public sealed partial class MessageReconciliation(RecordAccess records, MessagingOptions options, TimeProvider time, ILogger<MessageReconciliation> logger)
    : BackgroundService
{
    public const string AlarmSystem = "https://samjournal.no/fhir/NamingSystem/message-reconciliation";

    public async Task<ReconciliationReport> ReportAsync(ScopedRepository repo, string organisationNumber, DateOnly day, CancellationToken ct)
    {
        var units = await UnitsAsync(repo, organisationNumber, ct);
        if (units.Count == 0)
        {
            throw FhirError.NotFound($"No organisation with organisation number {organisationNumber}.");
        }

        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddDays(1);
        var now = time.GetUtcNow();
        int created = 0, delivered = 0, handled = 0, inFlight = 0;
        var unaccounted = new List<string>();
        // A message created that day was last written that day or later: the search is bounded by it.
        var criteria = $"_tag={MessageRecords.DirectionSystem}|{MessageRecords.Outbound}&_lastUpdated=ge{start:yyyy-MM-ddTHH:mm:ssZ}";
        await foreach (var message in repo.FindAllAsync("Communication", criteria, ct).OfType<Communication>())
        {
            if (MessageRecords.TypeOf(message) is not { } type || !MessageTypes.Sendable.Contains(type)
                || MessageRecords.QueuedAt(message) is not { } queued || queued < start || queued >= end
                || MessageRecords.SendingUnit(message)?.Identifier?.Value is not { } unit || !units.Contains(unit))
            {
                continue;
            }

            created++;
            switch (MessageRecords.State(message))
            {
                case DeliveryStates.Delivered:
                    delivered++;
                    break;
                case DeliveryStates.Rejected or DeliveryStates.Failed when await IsHandledAsync(repo, message.Id!, ct):
                    handled++;
                    break;
                case DeliveryStates.Queued or DeliveryStates.Transmitted when queued + options.ReceiptDeadline > now:
                    inFlight++;
                    break;
                default:
                    unaccounted.Add("Communication/" + message.Id);
                    break;
            }
        }

        return new ReconciliationReport(organisationNumber, day, created, delivered, handled, inFlight, unaccounted);
    }

    /// <summary>Reconciles <paramref name="day"/> for every organisation that sent messages that day and
    /// raises the alarms; returns the reports.</summary>
    public async Task<IReadOnlyList<ReconciliationReport>> RunOnceAsync(DateOnly day, CancellationToken ct)
    {
        var repo = records.For(Caller.SystemInternal(MessageWorkers.Reconciliation));
        var reports = new List<ReconciliationReport>();
        foreach (var organisation in await SendingOrganisationsAsync(repo, day, ct))
        {
            var report = await ReportAsync(repo, organisation, day, ct);
            reports.Add(report);
            if (!report.Balanced)
            {
                await AlarmAsync(repo, report, ct);
            }
        }

        return reports;
    }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ReconciliationInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ReconciliationInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // The day before: its messages have had their day; today's are still in flight.
                await RunOnceAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-1), stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                LogPassFailed(logger, failure.GetType().Name);
            }
        }
    }

    private static async Task<bool> IsHandledAsync(ScopedRepository repo, string messageId, CancellationToken ct)
    {
        var items = (await repo.FindAsync("Task", $"focus=Communication/{messageId}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}", 5, ct)).OfType<FhirTask>().ToList();
        return items.Count > 0 && items.All(t => t.Status == FhirTask.TaskStatus.Completed);
    }

    /// <summary>The organisation's own number and those of its units (one level of partOf).</summary>
    private static async Task<HashSet<string>> UnitsAsync(ScopedRepository repo, string organisationNumber, CancellationToken ct)
    {
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        var organisation = (await repo.FindAsync("Organization", $"identifier={NorwegianSystems.Organisasjonsnummer}|{organisationNumber}", 1, ct)).FirstOrDefault();
        if (organisation is null)
        {
            return numbers;
        }

        numbers.Add(organisationNumber);
        foreach (var unit in (await repo.FindAsync("Organization", "partof=Organization/" + organisation.Id, 500, ct)).OfType<Organization>())
        {
            if (unit.Identifier.FirstOrDefault(i => i.System == NorwegianSystems.Organisasjonsnummer)?.Value is { } number)
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }

    /// <summary>The top-level organisations whose units sent messages created on <paramref name="day"/>.</summary>
    private static async Task<IReadOnlyList<string>> SendingOrganisationsAsync(ScopedRepository repo, DateOnly day, CancellationToken ct)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var units = new HashSet<string>(StringComparer.Ordinal);
        var criteria = $"_tag={MessageRecords.DirectionSystem}|{MessageRecords.Outbound}&_lastUpdated=ge{start:yyyy-MM-ddTHH:mm:ssZ}";
        await foreach (var message in repo.FindAllAsync("Communication", criteria, ct).OfType<Communication>())
        {
            if (MessageRecords.QueuedAt(message) is { } queued && queued >= start && queued < start.AddDays(1)
                && MessageRecords.SendingUnit(message)?.Identifier?.Value is { } unit)
            {
                units.Add(unit);
            }
        }

        var organisations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            var found = (await repo.FindAsync("Organization", $"identifier={NorwegianSystems.Organisasjonsnummer}|{unit}", 1, ct)).OfType<Organization>().FirstOrDefault();
            var top = found;
            for (var depth = 0; depth < 4 && top?.PartOf is { } parent && WorkItemTasks.Literal(parent) is { } literal; depth++)
            {
                top = (await repo.FindAsync("Organization", "_id=" + literal["Organization/".Length..], 1, ct)).OfType<Organization>().FirstOrDefault() ?? top;
                if (top.PartOf is null)
                {
                    break;
                }
            }

            organisations.Add(top?.Identifier.FirstOrDefault(i => i.System == NorwegianSystems.Organisasjonsnummer)?.Value ?? unit);
        }

        return organisations.ToList();
    }

    private async System.Threading.Tasks.Task AlarmAsync(ScopedRepository repo, ReconciliationReport report, CancellationToken ct)
    {
        var key = $"{report.Organisation}.{report.Day:yyyyMMdd}";
        if ((await repo.FindAsync("Task", $"identifier={AlarmSystem}|{key}", 1, ct)).Count > 0)
        {
            return;
        }

        var first = (await repo.FindAsync("Communication", "_id=" + report.Unaccounted.FirstOrDefault()?["Communication/".Length..], 1, ct)).OfType<Communication>().FirstOrDefault();
        var queue = (first is null ? null : MessageRecords.SendingUnit(first))
            ?? await new WorkItemDirectory((t, q, c) => repo.FindAsync(t, q, 5, c)).UnitAsync(options.FallbackUnit, null, ct);
        var task = new FhirTask
        {
            Identifier = [new Identifier(AlarmSystem, key)],
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Priority = RequestPriority.Urgent,
            Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.MessageFailure, WorkItemTypes.Display(WorkItemTypes.MessageFailure)),
            Description = string.Create(CultureInfo.InvariantCulture,
                $"Meldingsavstemming {report.Day:yyyy-MM-dd} for {report.Organisation} går ikke opp: {report.Created} opprettet, {report.Delivered} levert, {report.RejectedHandled} avvist og behandlet, {report.InFlight} underveis; {report.Unaccounted.Count} uavklart."),
            AuthoredOnElement = new FhirDateTime(time.GetUtcNow()),
            Focus = report.Unaccounted.Count > 0 ? new ResourceReference(report.Unaccounted[0]) : null,
        };
        task.SetExtension(WorkItemTasks.QueueUrl, queue);
        foreach (var message in report.Unaccounted)
        {
            task.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(MessageRecords.MessageIdSystem, "unaccounted"), Value = new ResourceReference(message) });
        }

        await repo.CreateAsync(task, null, ct);
        LogAlarm(logger, report.Unaccounted.Count);
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Warning, Message = "Message reconciliation does not balance: {Count} messages unaccounted for; an alarm work item was raised")]
    private static partial void LogAlarm(ILogger logger, int count);

    [LoggerMessage(EventId = 621, Level = LogLevel.Error, Message = "A reconciliation pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
