using Hl7.Fhir.Model;
using Samjournal.Clinical.Summary;
using Samjournal.Clinical.WorkItems;
using Samjournal.Fhir.Interactions;
using Samjournal.Fhir.Storage;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Clinical.Messaging;

/// <summary>
/// A signed discharge summary (final or amended, with a legal attester) goes to the patient's GP
/// (the Organizations in <c>Patient.generalPractitioner</c>) and, when the patient receives municipal
/// care (an encounter at a municipal unit that is ongoing or ended within
/// <see cref="MunicipalCareWindow"/>), to that unit, in the same transaction as the signature:
/// one message per signature and receiver, carrying the signed version. Where the directory has no
/// way to a receiver, the signature stands and the signer gets a <c>message-failure</c> work item
/// saying who did not get it, so nobody assumes it went.
/// </summary>
internal sealed class DischargeSummaryDispatch(MessageDirectory directory, TimeProvider time) : IWriteHook
{
    public const string DispatchSystem = "https://samjournal.no/fhir/NamingSystem/summary-dispatch";
    public static readonly TimeSpan MunicipalCareWindow = TimeSpan.FromDays(90);
    private const string OrganisationTypeSystem = "http://terminology.hl7.org/CodeSystem/organization-type";

    public ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;

    public async ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Method == VersionMethod.Delete || write.Resource is not Composition summary || !summary.IsDischargeSummary()
            || summary.Status is not (CompositionStatus.Final or CompositionStatus.Amended)
            || summary.Attester.FirstOrDefault(a => a.Mode == Composition.CompositionAttestationMode.Legal) is not { } signature
            || WorkItemTasks.Literal(summary.Subject) is not { } patientRef || !patientRef.StartsWith("Patient/", StringComparison.Ordinal)
            || await transaction.ReadAsync("Patient", patientRef["Patient/".Length..], ct) is not Patient patient)
        {
            return;
        }

        var signedAt = signature.Time ?? summary.Date ?? write.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var receiver in await ReceiversAsync(patient, patientRef, transaction, ct))
        {
            // One message per signature and receiver, however often the signed version is written.
            var key = $"{write.Id}.{new string(signedAt.Where(char.IsLetterOrDigit).ToArray())}.{WorkItemTasks.Literal(receiver)!["Organization/".Length..]}";
            if ((await transaction.SearchAsync("Communication", $"identifier={DispatchSystem}|{key}", 1, ct)).Count > 0)
            {
                continue;
            }

            var (address, why) = await directory.FindAsync(receiver, MessageTypes.DischargeSummary, (t, q, l, c) => transaction.SearchAsync(t, q, l, c), ct);
            if (address is null)
            {
                await NotSentAsync(summary, write.Id, patientRef, receiver, why, signature.Party, transaction, ct);
                continue;
            }

            await transaction.CreateAsync(new Communication
            {
                Identifier = [new Identifier(DispatchSystem, key)],
                Category = [new CodeableConcept(MessageTypes.System, MessageTypes.DischargeSummary, MessageTypes.Display(MessageTypes.DischargeSummary))],
                Subject = new ResourceReference(patientRef),
                Encounter = summary.Encounter,
                Recipient = [receiver],
                Sender = signature.Party,
                Payload = [new Communication.PayloadComponent { Content = new ResourceReference($"Composition/{write.Id}/_history/{write.Version}") }],
            }, ct);
        }
    }

    /// <summary>The GP's organisations, then the municipal units caring for the patient, each once.</summary>
    private async Task<List<ResourceReference>> ReceiversAsync(Patient patient, string patientRef, IWriteTransaction transaction, CancellationToken ct)
    {
        var receivers = new List<ResourceReference>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gp in patient.GeneralPractitioner.Where(g => WorkItemTasks.Literal(g)?.StartsWith("Organization/", StringComparison.Ordinal) == true))
        {
            if (seen.Add(WorkItemTasks.Literal(gp)!))
            {
                receivers.Add(new ResourceReference(WorkItemTasks.Literal(gp), gp.Display));
            }
        }

        var since = time.GetUtcNow() - MunicipalCareWindow;
        foreach (var encounter in (await transaction.SearchAsync("Encounter", "patient=" + patientRef, 200, ct)).OfType<Encounter>())
        {
            var ongoing = encounter.Status is Encounter.EncounterStatus.InProgress or Encounter.EncounterStatus.Arrived or Encounter.EncounterStatus.Onleave
                || encounter.Period?.EndElement is null;
            var recent = encounter.Period?.EndElement?.ToDateTimeOffset(TimeSpan.Zero) >= since;
            if ((ongoing || recent) && WorkItemTasks.Literal(encounter.ServiceProvider) is { } unit && !seen.Contains(unit)
                && await IsMunicipalAsync(unit, transaction, ct) is { } name)
            {
                seen.Add(unit);
                receivers.Add(new ResourceReference(unit, name));
            }
        }

        return receivers;
    }

    /// <summary>The unit's name when it, or an organisation it is part of, is a municipality (type govt).</summary>
    private static async Task<string?> IsMunicipalAsync(string unit, IWriteTransaction transaction, CancellationToken ct)
    {
        var current = unit;
        string? name = null;
        for (var depth = 0; depth < 4 && current?.StartsWith("Organization/", StringComparison.Ordinal) == true; depth++)
        {
            if (await transaction.ReadAsync("Organization", current["Organization/".Length..], ct) is not Organization organisation)
            {
                return null;
            }

            name ??= organisation.Name;
            if (organisation.Type.SelectMany(t => t.Coding).Any(c => c.System == OrganisationTypeSystem && c.Code == "govt"))
            {
                return name;
            }

            current = WorkItemTasks.Literal(organisation.PartOf);
        }

        return null;
    }

    private async System.Threading.Tasks.Task NotSentAsync(Composition summary, string id, string patientRef, ResourceReference receiver, string why, ResourceReference? signer, IWriteTransaction transaction, CancellationToken ct)
    {
        var focus = $"Composition/{id}";
        var open = (await transaction.SearchAsync("Task", $"focus={focus}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}&status={WorkItemTasks.OpenStatuses}", 20, ct))
            .OfType<FhirTask>().Any(t => t.Description?.Contains(receiver.Display ?? receiver.Reference ?? "?", StringComparison.Ordinal) == true);
        if (open)
        {
            return;
        }

        var queue = transaction.Author?.Unit is { } unit
            ? await new WorkItemDirectory((t, q, c) => transaction.SearchAsync(t, q, 5, c)).UnitAsync(unit, null, ct)
            : null;
        var task = MessageFailures.New(focus, patientRef, signer, queue, $"Epikrisen er ikke sendt til {receiver.Display ?? receiver.Reference}: {why}", time.GetUtcNow());
        task.Encounter = summary.Encounter;
        await transaction.CreateAsync(task, ct);
    }
}
