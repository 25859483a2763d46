using Hl7.Fhir.Model;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Results;

/// <summary>
/// Every final lab or imaging result gets a sign-off work item, in the same transaction as the
/// result, whatever path wrote it: a DiagnosticReport, or an Observation that is based on an order
/// or is categorised laboratory or imaging, with status final, amended, corrected or appended. The
/// Task (code <c>result-sign-off</c>) has the result as <c>focus</c> and the order as
/// <c>basedOn</c> (never the order as focus: the access policy reads that as a referral). It goes to
/// the orderer, their cover, or the unit's queue (<see cref="ResultRecipients"/>). A critical result
/// gets priority stat (so the route's short deadline) and the tag <see cref="FlagSystem"/>|<see cref="CriticalFlag"/>.
/// Writing the same result again adds nothing while its sign-off is open or signed; an amended or
/// corrected result whose sign-off was closed gets a new open sign-off saying so. A result
/// withdrawn (entered-in-error, cancelled) and the values a final report takes over have their
/// open sign-offs cancelled, with a note saying why.
/// </summary>
internal sealed class ResultSignOff(ResultRecipients recipients, CriticalRanges critical) : IWriteHook
{
    public const string FlagSystem = "https://samjournal.no/fhir/CodeSystem/work-item-flag";
    public const string CriticalFlag = "critical-result";

    private static readonly HashSet<string> ResultCategories = new(StringComparer.Ordinal) { "laboratory", "imaging", "LAB", "RAD" };

    public ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;

    public async ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method == VersionMethod.Delete || write.Resource is not { } result)
        {
            return;
        }

        var focus = $"{write.Type}/{write.Id}";
        if (IsWithdrawn(result))
        {
            await CancelOpenSignOffsAsync(focus, "Svaret er trukket tilbake: ingen kvittering.", transaction, ct);
            return;
        }

        if (ResultStatus(result) is not { } status || transaction.Author?.Purpose == WriteAuthor.HistoryImport)
        {
            // Not a result to sign, or one migrated from a system where it was signed.
            return;
        }

        if (result is DiagnosticReport report)
        {
            await HandOverToReportAsync(report, focus, transaction, ct);
        }
        else if ((await transaction.SearchAsync("DiagnosticReport", "result=" + focus, 20, ct)).Any(r => ResultStatus(r) is not null))
        {
            // A signed-off report carries this value: it is signed there, not twice.
            return;
        }

        var existing = (await transaction.SearchAsync("Task", $"focus={focus}&code={WorkItemTypes.System}|{WorkItemTypes.ResultSignOff}", 100, ct))
            .OfType<FhirTask>().ToList();
        if (existing.Any(WorkItemTasks.IsOpen))
        {
            return;
        }

        var amended = status is "amended" or "corrected" or "appended";
        if (existing.Count > 0 && !(amended && write.Method == VersionMethod.Update))
        {
            return;
        }

        var order = await OrderAsync(result, transaction, ct);
        var recipient = await recipients.FindAsync(result, order, transaction, ct);
        var isCritical = await IsCriticalAsync(result, transaction, ct);
        var task = new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Priority = isCritical ? RequestPriority.Stat : order?.Priority ?? RequestPriority.Routine,
            Code = new CodeableConcept(WorkItemTypes.System, WorkItemTypes.ResultSignOff, WorkItemTypes.Display(WorkItemTypes.ResultSignOff)),
            Description = (isCritical ? "Kritisk svar til kvittering: " : "Svar til kvittering: ") + Describe(result),
            Focus = new ResourceReference(focus),
            BasedOn = order is null ? [] : [new ResourceReference("ServiceRequest/" + order.Id)],
            For = Subject(result),
            Encounter = result is Observation o ? o.Encounter : ((DiagnosticReport)result).Encounter,
            Owner = recipient.Person,
        };
        task.SetExtension(WorkItemTasks.QueueUrl, recipient.Unit);
        if (isCritical)
        {
            task.Meta = new Meta { Tag = [new Coding(FlagSystem, CriticalFlag, "Kritisk verdi")] };
        }

        foreach (var text in new[] { recipient.Note, existing.Count > 0 ? $"Svaret er endret ({status}) etter kvittering: må kvitteres på nytt." : null }.OfType<string>())
        {
            task.Note.Add(new Annotation { Text = text, Author = new FhirString("Samjournal") });
        }

        await transaction.CreateAsync(task, ct);
    }

    /// <summary>The values of a report are signed with the report: their own open sign-offs are
    /// cancelled with a note that points to the report.</summary>
    private static async System.Threading.Tasks.Task HandOverToReportAsync(DiagnosticReport report, string focus, IWriteTransaction transaction, CancellationToken ct)
    {
        foreach (var member in report.Result.Select(WorkItemTasks.Literal).OfType<string>().Where(m => m.StartsWith("Observation/", StringComparison.Ordinal)))
        {
            await CancelOpenSignOffsAsync(member, $"Verdien kvitteres i svarrapporten {focus}.", transaction, ct);
        }
    }

    private static async System.Threading.Tasks.Task CancelOpenSignOffsAsync(string result, string why, IWriteTransaction transaction, CancellationToken ct)
    {
        var open = (await transaction.SearchAsync("Task", $"focus={result}&code={WorkItemTypes.System}|{WorkItemTypes.ResultSignOff}", 20, ct))
            .OfType<FhirTask>().Where(WorkItemTasks.IsOpen);
        foreach (var task in open)
        {
            task.Status = FhirTask.TaskStatus.Cancelled;
            task.StatusReason = new CodeableConcept { Text = why };
            task.Note.Add(new Annotation { Text = why, Author = new FhirString("Samjournal") });
            await transaction.UpdateAsync(task, ct);
        }
    }

    /// <summary>A result withdrawn as entered in error or cancelled: there is nothing left to sign.</summary>
    private static bool IsWithdrawn(Resource resource) => resource switch
    {
        DiagnosticReport r => r.Status is DiagnosticReport.DiagnosticReportStatus.EnteredInError or DiagnosticReport.DiagnosticReportStatus.Cancelled,
        Observation o => o.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled,
        _ => false,
    };

    /// <summary>The result's status when it is a result that needs signing, else null.</summary>
    private static string? ResultStatus(Resource resource) => resource switch
    {
        DiagnosticReport r => r.Status switch
        {
            DiagnosticReport.DiagnosticReportStatus.Final => "final",
            DiagnosticReport.DiagnosticReportStatus.Amended => "amended",
            DiagnosticReport.DiagnosticReportStatus.Corrected => "corrected",
            DiagnosticReport.DiagnosticReportStatus.Appended => "appended",
            _ => null,
        },
        Observation o when o.BasedOn.Any(IsOrder) || o.Category.SelectMany(c => c.Coding).Any(c => c.Code is not null && ResultCategories.Contains(c.Code)) => o.Status switch
        {
            ObservationStatus.Final => "final",
            ObservationStatus.Amended => "amended",
            ObservationStatus.Corrected => "corrected",
            _ => null,
        },
        _ => null,
    };

    private static bool IsOrder(ResourceReference reference) =>
        WorkItemTasks.Literal(reference)?.StartsWith("ServiceRequest/", StringComparison.Ordinal) == true;

    private static async Task<ServiceRequest?> OrderAsync(Resource result, IWriteTransaction transaction, CancellationToken ct)
    {
        var basedOn = result is Observation o ? o.BasedOn : ((DiagnosticReport)result).BasedOn;
        foreach (var reference in basedOn.Where(IsOrder))
        {
            if (await transaction.ReadAsync("ServiceRequest", WorkItemTasks.Literal(reference)!["ServiceRequest/".Length..], ct) is ServiceRequest order)
            {
                return order;
            }
        }

        return null;
    }

    private async Task<bool> IsCriticalAsync(Resource result, IWriteTransaction transaction, CancellationToken ct)
    {
        if (result is Observation observation)
        {
            return critical.IsCritical(observation);
        }

        foreach (var member in ((DiagnosticReport)result).Result)
        {
            if (WorkItemTasks.Literal(member) is { } literal && literal.StartsWith("Observation/", StringComparison.Ordinal)
                && await transaction.ReadAsync("Observation", literal["Observation/".Length..], ct) is Observation part && critical.IsCritical(part))
            {
                return true;
            }
        }

        return false;
    }

    private static ResourceReference? Subject(Resource result)
    {
        var subject = result is Observation o ? o.Subject : ((DiagnosticReport)result).Subject;
        return WorkItemTasks.Literal(subject)?.StartsWith("Patient/", StringComparison.Ordinal) == true ? new ResourceReference(WorkItemTasks.Literal(subject)) : null;
    }

    private static string Describe(Resource result)
    {
        var code = result is Observation o ? o.Code : ((DiagnosticReport)result).Code;
        return code?.Text ?? code?.Coding.FirstOrDefault()?.Display ?? code?.Coding.FirstOrDefault()?.Code ?? result.TypeName;
    }
}
