using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Samjournal.Tests.Access;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.MedicationList;

/// <summary>
/// What the medication list, reconciliation and discharge summary tests share: a patient admitted
/// to the medical ward (so its doctor, haugen, has a care relation), medication records, and the
/// reconcile call. Each test makes its own patient, so tests never see each other's lists.
/// </summary>
public abstract class MedicationListTestBase(SamjournalHost host) : AccessTestBase(host)
{
    protected const string MedicalWard = "310900117";
    protected const string FjordvikLegekontor = "310900508";
    protected const string Atc = "http://www.whocc.no/atc";
    protected const string ExtensionBase = "https://samjournal.no/fhir/StructureDefinition/";

    /// <summary>A new patient with an open stay at the medical ward: (patient id, Encounter/id).</summary>
    protected async Task<(string Patient, string Encounter)> AdmittedPatientAsync(Patient? patient = null)
    {
        var created = await PostAsync(patient ?? NewPatient());
        var encounter = await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + created.Id),
            ServiceProvider = new ResourceReference(await OrganisationAsync(MedicalWard)),
        });
        return (created.Id!, "Encounter/" + encounter.Id);
    }

    protected static MedicationStatement Statement(string patient, string atc, string name, string dosage) => new()
    {
        Status = MedicationStatement.MedicationStatusCodes.Active,
        Medication = new CodeableConcept(Atc, atc, name) { Text = name },
        Subject = new ResourceReference("Patient/" + patient),
        Dosage = [new Dosage { Text = dosage }],
    };

    protected static Parameters Reconciliation(string occasion, string? encounter, IEnumerable<DataType> sources, params Parameters.ParameterComponent[] entries)
    {
        var parameters = new Parameters();
        parameters.Add("occasion", new Code(occasion));
        if (encounter is not null)
        {
            parameters.Add("encounter", new ResourceReference(encounter));
        }

        foreach (var source in sources)
        {
            parameters.Add("source", source);
        }

        parameters.Parameter.AddRange(entries);
        return parameters;
    }

    protected static DataType PatientInterview => new Coding("https://samjournal.no/fhir/CodeSystem/reconciliation-source", "patient-interview");

    protected static DataType EResept => new Coding("https://samjournal.no/fhir/CodeSystem/reconciliation-source", "e-resept");

    protected static Parameters.ParameterComponent Entry(string action, string? medication = null, MedicationStatement? resource = null)
    {
        var entry = new Parameters.ParameterComponent { Name = "entry" };
        entry.Part.Add(new Parameters.ParameterComponent { Name = "action", Value = new Code(action) });
        if (medication is not null)
        {
            entry.Part.Add(new Parameters.ParameterComponent { Name = "medication", Value = new ResourceReference(medication) });
        }

        if (resource is not null)
        {
            entry.Part.Add(new Parameters.ParameterComponent { Name = "resource", Resource = resource });
        }

        return entry;
    }

    protected static async Task<(List List, Provenance Provenance)> ReconcileAsync(HttpClient client, string patient, Parameters body)
    {
        var answer = await (await client.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(body))).ExpectAsync<Parameters>(HttpStatusCode.Created);
        return ((List)answer.Parameter.Single(p => p.Name == "list").Resource!, (Provenance)answer.Parameter.Single(p => p.Name == "provenance").Resource!);
    }

    /// <summary>The patient's current reconciled lists, as the system client finds them.</summary>
    protected async Task<List<List>> CurrentReconciledListsAsync(string patient)
    {
        var bundle = await (await Client.GetAsync(
            $"List?code=https://samjournal.no/fhir/CodeSystem/list-code|reconciled-medication-list&subject=Patient/{patient}&status=current"))
            .ExpectAsync<Bundle>(HttpStatusCode.OK);
        return bundle.Entry.Select(e => e.Resource).OfType<List>().ToList();
    }

    /// <summary>
    /// The documented hash, computed here from the MedicationStatement versions the list points at
    /// (not from the list's own snapshot): lines <c>system|code TAB dosage TAB status</c>, sorted
    /// ordinally, joined with '\n', SHA-256 as lower-case hex. If the server's snapshot, canonical
    /// form or hash drifted from the records, this would differ.
    /// </summary>
    protected async Task<string> HashFromRecordsAsync(List list)
    {
        var lines = new List<string>();
        foreach (var entry in list.Entry)
        {
            var statement = await (await Client.GetAsync(entry.Item.Reference)).ExpectAsync<MedicationStatement>(HttpStatusCode.OK);
            var coding = ((CodeableConcept)statement.Medication).Coding.First(c => c.System == Atc);
            var dosage = string.Join(' ', statement.Dosage.Single().Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            lines.Add($"{coding.System}|{coding.Code}\t{dosage}\t{statement.Status!.Value.GetLiteral()}");
        }

        lines.Sort(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }

    protected static string? HashOf(IExtendable element) => element.GetExtensionValue<FhirString>(ExtensionBase + "medication-list-hash")?.Value;
}
