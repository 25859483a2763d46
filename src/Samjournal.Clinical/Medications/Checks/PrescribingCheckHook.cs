using Hl7.Fhir.Model;
using Samjournal.Clinical.Medications.Catalogue;
using Samjournal.Fhir.Interactions;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// Runs the prescribing checks on every MedicationRequest in force (active, on hold, draft) before
/// it is saved, by every path: REST create and update, transactions, imports. A stop without an
/// override refuses the write (422, every finding listed); an overridden stop is saved with its
/// override in the resource and leaves its own audit record, naming who overrode what and why.
/// Ending a prescription (stopped, completed, cancelled, entered in error) is never refused. A
/// prescription coded only outside ATC (an imported record in RxNorm) cannot be checked here and
/// is stored unchecked; <c>$check-prescription</c> refuses it as uncheckable.
/// MedicationStatements are not checked: they record what the patient actually uses, and refusing
/// to record that would make the medication list wrong; they take part as the other side of an
/// interaction.
/// </summary>
public sealed class PrescribingCheckHook(MedicationCatalogue catalogue) : IWriteHook
{
    public const string OverrideAuditInteraction = "prescribing-override";

    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Resource is not MedicationRequest request || !InForce(request.Status))
        {
            return;
        }

        var source = new TransactionRecordSource(transaction);
        if (await Prescription.ReadIfCodedAsync(request, catalogue, source, ct) is not { } prescription)
        {
            return;
        }

        var reference = $"MedicationRequest/{write.Id}";
        var record = await MedicationRecord.LoadAsync(source, prescription.PatientId, reference, ct);
        var findings = PrescribingChecks.Run(prescription, record, catalogue);
        if (findings.Any(f => f.Blocks))
        {
            throw new PrescribingStopException(findings);
        }

        // In the write's transaction: if the write fails after this, the audit record goes with it.
        foreach (var overridden in findings.Where(f => f.OverrideReason is not null))
        {
            await transaction.AuditAsync(
                OverrideAuditInteraction,
                $"{reference}/_history/{write.Version}",
                prescription.PatientId,
                $"{overridden.Code}{(overridden.ConflictsWith is null ? "" : " " + overridden.ConflictsWith)}: {overridden.English} Reason: {overridden.OverrideReason}",
                ct);
        }
    }

    public ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct) => ValueTask.CompletedTask;

    public static bool InForce(MedicationRequest.MedicationrequestStatus? status) => status is
        MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.OnHold or MedicationRequest.MedicationrequestStatus.Draft;
}
