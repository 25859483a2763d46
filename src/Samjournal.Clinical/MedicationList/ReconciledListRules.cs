using Hl7.Fhir.Model;
using Samjournal.Fhir.Interactions;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// The reconciled list holds on every path (the reconcile operation, REST, transactions, imports):
/// a current reconciled list says exactly what the MedicationStatements it points to say, at the
/// versions it points to; a retired one is never made current again; and when one becomes current
/// every other current reconciled list of the patient is retired in the same transaction, so a
/// patient has exactly one list that a discharge summary or the portal can show.
/// </summary>
internal sealed class ReconciledListRules : IWriteHook
{
    public async ValueTask BeforeWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Resource is not List list || !list.IsReconciledList() || list.Status != List.ListStatus.Current)
        {
            return;
        }

        if (write.Method == Samjournal.Fhir.Storage.VersionMethod.Update
            && await transaction.ReadAsync("List", write.Id, ct) is List { Status: List.ListStatus.Retired } previous && previous.IsReconciledList())
        {
            throw FhirError.Unprocessable($"List/{write.Id} is a retired reconciled medication list; it stays retired. Reconcile again to make a new current list.", "List.status");
        }

        var subject = list.Subject?.Reference;
        if (subject is null || !subject.StartsWith("Patient/", StringComparison.Ordinal))
        {
            throw FhirError.Unprocessable("A reconciled medication list is about one patient: List.subject must reference a Patient.", "List.subject");
        }

        if (list.Occasion() is not { } occasion || !MedicationListCodes.Occasions.Contains(occasion))
        {
            throw FhirError.Unprocessable(
                $"A reconciled medication list says when it was reconciled: extension {MedicationListCodes.OccasionExtension} with one of {string.Join(", ", MedicationListCodes.Occasions)}.", "List.extension");
        }

        var medications = list.Medications();
        for (var i = 0; i < list.Entry.Count; i++)
        {
            await CheckEntryAsync(list.Entry[i].Item?.Reference, medications[i], subject, i, transaction, ct);
        }

        if (list.GetExtensionValue<FhirString>(MedicationListCodes.HashExtension)?.Value is { } hash && hash != ReconciledMedication.Hash(medications))
        {
            throw FhirError.Unprocessable("The reconciled list's medication hash does not match its entries.", "List.extension");
        }
    }

    /// <summary>The entry points at the current version of one of the patient's MedicationStatements,
    /// and its snapshot is what that version says.</summary>
    private static async System.Threading.Tasks.Task CheckEntryAsync(
        string? reference, ReconciledMedication snapshot, string subject, int index, IWriteTransaction transaction, CancellationToken ct)
    {
        var where = $"List.entry[{index}].item";
        if (ReconciledList.ParseVersioned(reference, "MedicationStatement") is not { } target)
        {
            throw FhirError.Unprocessable($"Entry {index} of a reconciled list must point at an exact MedicationStatement version (MedicationStatement/id/_history/n); it points at '{reference}'.", where);
        }

        if (await transaction.ReadAsync("MedicationStatement", target.Id, ct) is not MedicationStatement statement)
        {
            throw FhirError.Unprocessable($"Entry {index} points at MedicationStatement/{target.Id}, which does not exist.", where);
        }

        if (statement.Meta?.VersionId != target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw FhirError.Unprocessable($"Entry {index} points at version {target.Version} of MedicationStatement/{target.Id}, but its current version is {statement.Meta?.VersionId}: reconcile against the current list.", where);
        }

        if (statement.Subject?.Reference != subject)
        {
            throw FhirError.Unprocessable($"Entry {index}: MedicationStatement/{target.Id} is about another patient.", where);
        }

        if (ReconciledMedication.From(statement) is not { } actual || actual != snapshot)
        {
            throw FhirError.Unprocessable($"Entry {index}: what the list says about MedicationStatement/{target.Id} (substance, dosage, status) differs from the MedicationStatement itself.", where);
        }
    }

    public async ValueTask AfterWriteAsync(WriteContext write, IWriteTransaction transaction, CancellationToken ct)
    {
        if (write.Resource is not List list || !list.IsReconciledList() || list.Status != List.ListStatus.Current || list.Subject?.Reference is not { } subject)
        {
            return;
        }

        // The patient's list head is written first: its row lock makes concurrent reconciliations of
        // one patient take turns (PostgreSQL reads committed data, so without it two transactions
        // could each miss the other's new list and leave two current). The search after it sees
        // every list committed before the lock was granted.
        await transaction.UpdateAsync(ReconciledListHead.For(subject, write.Id), ct);
        var current = await transaction.SearchAsync("List", ReconciledList.CurrentCriteria(subject), 100, ct);
        foreach (var older in current.OfType<List>().Where(l => l.Id != write.Id))
        {
            older.Status = List.ListStatus.Retired;
            await transaction.UpdateAsync(older, ct);
        }

        await CompleteReconciliationDueAsync(list, write.Id, transaction, ct);
    }

    /// <summary>The stay's "reconciliation due" work item (for this occasion) is done by the reconciliation itself, in
    /// its transaction: nobody has to close it by hand, and it cannot stay open after the fact.</summary>
    private static async System.Threading.Tasks.Task CompleteReconciliationDueAsync(List list, string listId, IWriteTransaction transaction, CancellationToken ct)
    {
        if (list.Encounter?.Reference is not { } encounter || !encounter.StartsWith("Encounter/", StringComparison.Ordinal))
        {
            return;
        }

        var due = await transaction.SearchAsync("Task",
            $"code={Samjournal.Clinical.WorkItems.WorkItemTypes.System}|{Samjournal.Clinical.WorkItems.WorkItemTypes.Reconciliation}&focus={encounter}&status={Samjournal.Clinical.WorkItems.WorkItemTasks.OpenStatuses}", 20, ct);
        // A task says which reconciliation is due (discharge, say); an admission reconciliation does not do it.
        foreach (var task in due.OfType<Hl7.Fhir.Model.Task>().Where(t => t.Input.Select(i => i.Value).OfType<Code>().FirstOrDefault()?.Value is not { } wanted || wanted == list.Occasion()))
        {
            task.Status = Hl7.Fhir.Model.Task.TaskStatus.Completed;
            task.Output.Add(new Hl7.Fhir.Model.Task.OutputComponent
            {
                Type = new CodeableConcept(MedicationListCodes.ListCodeSystem, MedicationListCodes.ReconciledList),
                Value = new ResourceReference("List/" + listId),
            });
            task.LastModifiedElement = list.DateElement ?? task.LastModifiedElement;
            task.ExecutionPeriod ??= new Period();
            task.ExecutionPeriod.EndElement = list.DateElement;
            await transaction.UpdateAsync(task, ct);
        }
    }
}
