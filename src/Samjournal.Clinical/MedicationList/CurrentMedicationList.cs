using Hl7.Fhir.Model;
using Samjournal.Access.Repository;

namespace Samjournal.Clinical.MedicationList;

/// <summary>
/// The patient's one medication list across organisations (<c>$medication-list</c>): every active
/// MedicationStatement (what the patient uses) and active MedicationRequest (what is prescribed),
/// from the hospital, the GP, home care alike, merged per substance. A drug the GP prescribed and
/// the ward recorded appears once, with both records as its sources, so nobody reads it as two
/// drugs or misses that two places know of it. Read through the caller's door: what the caller may
/// not see is not on it, and the read is audited.
/// </summary>
public static class CurrentMedicationList
{
    public static async Task<List> BuildAsync(ScopedRepository repo, string patientId, DateTimeOffset now, CancellationToken ct)
    {
        // The patient read comes first: a caller without access is refused (403) and audited here,
        // rather than shown an empty list that looks like "uses no medication".
        await repo.ReadAsync("Patient", patientId, ct);
        var patient = "Patient/" + patientId;
        var statements = await repo.FindAsync("MedicationStatement", $"subject={patient}&status=active", 1000, ct);
        var requests = await repo.FindAsync("MedicationRequest", $"subject={patient}&status=active", 1000, ct);
        var origins = new SourceOrigins(repo);
        await origins.PrefetchAsync(statements.Concat(requests).OfType<DomainResource>(), ct);

        var sources = new List<(Substance Substance, Extension Source)>();
        foreach (var record in statements.Concat(requests).OfType<DomainResource>())
        {
            var (medication, dosage, recorder) = record switch
            {
                MedicationStatement s => (s.Medication, s.Dosage, s.InformationSource),
                MedicationRequest r => (r.Medication, r.DosageInstruction, r.Recorder ?? r.Requester),
                _ => (null, [], null),
            };
            if (Substance.Of(medication) is not { } substance)
            {
                continue;
            }

            var source = new Extension { Url = MedicationListCodes.SourceExtension };
            source.Extension.Add(new Extension("record", new ResourceReference($"{record.TypeName}/{record.Id}/_history/{record.Meta?.VersionId}", substance.Name)));
            source.Extension.Add(new Extension("dosage", new FhirString(DosageWords.Of(dosage))));
            if (await origins.OrganisationOfAsync(record, ct) is { } organisation)
            {
                source.Extension.Add(new Extension("organisation", organisation));
            }

            if (recorder is not null)
            {
                source.Extension.Add(new Extension("recorder", recorder));
            }

            sources.Add((substance, source));
        }

        var list = new List
        {
            Status = List.ListStatus.Current,
            Mode = ListMode.Snapshot,
            Title = "Legemiddelliste",
            Code = new CodeableConcept(MedicationListCodes.Loinc, MedicationListCodes.MedicationUseCode, "History of Medication use"),
            Subject = new ResourceReference(patient),
            DateElement = new FhirDateTime(now),
        };
        foreach (var group in sources.GroupBy(s => s.Substance.Key).OrderBy(g => g.First().Substance.Name, StringComparer.CurrentCulture))
        {
            var first = group.First();
            var entry = new List.EntryComponent
            {
                Item = new ResourceReference(((ResourceReference)first.Source.GetExtensionValue<DataType>("record")).Reference, first.Substance.Name),
                Flag = new CodeableConcept(first.Substance.System, first.Substance.Code, first.Substance.Name),
            };
            entry.Extension.AddRange(group.Select(g => g.Source));
            list.Entry.Add(entry);
        }

        if (list.Entry.Count == 0)
        {
            list.EmptyReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "Nil Known") { Text = "Ingen aktive legemidler registrert" };
        }

        return list;
    }
}
