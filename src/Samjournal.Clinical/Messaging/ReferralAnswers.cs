using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// The referrer sees what happens to a referral that came from another system: when the receiving
/// unit moves the referral's Task (received, accepted, rejected with its reason, in progress,
/// completed, cancelled), a <c>referral-status</c> message carrying that Task version goes back to the
/// sending organisation in the same transaction, through the outbox. Accepting it is also what makes
/// the care relation that lets the unit read the patient's record (the access policy reads the Task).
/// </summary>
internal sealed class ReferralAnswers : IWriteHook
{
    private static readonly HashSet<FhirTask.TaskStatus> Answered =
    [
        FhirTask.TaskStatus.Received, FhirTask.TaskStatus.Accepted, FhirTask.TaskStatus.Rejected,
        FhirTask.TaskStatus.InProgress, FhirTask.TaskStatus.Completed, FhirTask.TaskStatus.Cancelled,
    ];

    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method != VersionMethod.Update || write.Resource is not FhirTask task || WorkItemTasks.TypeOf(task) != WorkItemTypes.Referral
            || task.Status is not { } status || !Answered.Contains(status)
            || WorkItemTasks.Literal(task.Focus) is not { } focus || !focus.StartsWith("ServiceRequest/", StringComparison.Ordinal))
        {
            return;
        }

        if (await transaction.ReadAsync("Task", write.Id, ct) is FhirTask previous && previous.Status == status)
        {
            return;
        }

        if (await transaction.ReadAsync("ServiceRequest", focus["ServiceRequest/".Length..], ct) is not ServiceRequest referral
            || referral.GetExtensionValue<Identifier>(MessageInbox.OriginMessageUrl)?.Value is not { } originMessage
            || referral.GetExtensionValue<Identifier>(MessageInbox.OriginSenderUrl)?.Value is not { } originSender)
        {
            // A referral made on this record: the referrer reads the same Task.
            return;
        }

        if (status == FhirTask.TaskStatus.Rejected && string.IsNullOrWhiteSpace(task.StatusReason?.Text) && task.StatusReason?.Coding.Count is null or 0)
        {
            throw Samjournal.Fhir.Errors.FhirOperationException.Unprocessable(
                "A referral is rejected with a reason the referrer can act on: Task.statusReason.", "Task.statusReason");
        }

        var answer = new Communication
        {
            Identifier = [new Identifier(MessageBundles.ResponseToSystem, originMessage)],
            Category = [new CodeableConcept(MessageTypes.System, MessageTypes.ReferralStatus, MessageTypes.Display(MessageTypes.ReferralStatus))],
            Subject = WorkItemTasks.Literal(task.For) is { } patient ? new ResourceReference(patient) : null,
            Recipient = [new ResourceReference { Identifier = new Identifier(NorwegianSystems.Organisasjonsnummer, originSender), Type = "Organization" }],
            Payload = [new Communication.PayloadComponent { Content = new ResourceReference($"Task/{write.Id}/_history/{write.Version}") }],
        };
        await transaction.CreateAsync(answer, ct);
    }

    public ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;
}
