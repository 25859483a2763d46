using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Access;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.MedicationList;

/// <summary>One medication list per patient across organisations: the same drug from the GP's
/// prescription and the ward's statement is one entry with both as sources.</summary>
public abstract class MedicationListBehaviour(SamjournalHost host) : MedicationListTestBase(host)
{
    [Fact]
    public async Task A_drug_known_to_two_organisations_is_on_the_list_once_with_both_sources()
    {
        var office = await OrganisationAsync(FjordvikLegekontor);
        var ward = await OrganisationAsync(MedicalWard);
        // The GP names only themself as prescriber: the organisation comes from their role.
        var gp = "Practitioner/" + await IdOfAsync($"Practitioner?identifier={HprSystem}|91000501");
        var (patient, encounter) = await AdmittedPatientAsync();
        var prescription = await PostAsync(new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Active,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new CodeableConcept(Atc, "C09AA05", "Ramipril") { Text = "Ramipril" },
            Subject = new ResourceReference("Patient/" + patient),
            Requester = new ResourceReference(gp),
            DosageInstruction = [new Dosage { Text = "5 mg om morgenen" }],
        });
        var statement = Statement(patient, "C09AA05", "Ramipril 5 mg", "5 mg om morgenen");
        statement.Context = new ResourceReference(encounter);
        statement = await PostAsync(statement);
        var other = await PostAsync(Statement(patient, "A02BC01", "Omeprazol", "20 mg daglig"));
        var stopped = Statement(patient, "N05CF01", "Zopiklon", "7,5 mg ved behov");
        stopped.Status = MedicationStatement.MedicationStatusCodes.Stopped;
        await PostAsync(stopped);
        using var doctor = await Host.ClientForAsync("haugen");

        var list = await (await doctor.GetAsync($"Patient/{patient}/$medication-list")).ExpectAsync<List>(HttpStatusCode.OK);

        Assert.Equal("10160-0", list.Code.Coding[0].Code);
        Assert.Equal(2, list.Entry.Count);
        var ramipril = Assert.Single(list.Entry, e => e.Flag.Coding[0].Code == "C09AA05");
        var sources = ramipril.Extension.Where(x => x.Url == ExtensionBase + "medication-list-source").ToList();
        Assert.Equal(2, sources.Count);
        Assert.Equal(
            new[] { $"MedicationRequest/{prescription.Id}/_history/1", $"MedicationStatement/{statement.Id}/_history/1" }.Order(),
            sources.Select(s => s.GetExtensionValue<ResourceReference>("record").Reference).Order());
        Assert.Equal(new[] { office, ward }.Order(), sources.Select(s => s.GetExtensionValue<ResourceReference>("organisation").Reference).Order());
        Assert.All(sources, s => Assert.Equal("5 mg om morgenen", s.GetExtensionValue<FhirString>("dosage").Value));
        Assert.Contains(sources, s => s.GetExtensionValue<ResourceReference>("recorder")?.Reference == gp);
        Assert.Single(list.Entry, e => e.Item.Reference == $"MedicationStatement/{other.Id}/_history/1");
    }

    [Fact]
    public async Task Staff_without_a_care_relation_are_refused_the_list()
    {
        var (patient, _) = await AdmittedPatientAsync();
        await PostAsync(Statement(patient, "A02BC01", "Omeprazol", "20 mg daglig"));
        using var surgeon = await Host.ClientForAsync("berg");
        await (await surgeon.GetAsync($"Patient/{patient}/$medication-list")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
    }
}

public sealed class MedicationListOnSqlite(SeededSqliteHost host) : MedicationListBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class MedicationListOnPostgres(SeededPostgresHost host) : MedicationListBehaviour(host), IClassFixture<SeededPostgresHost>;
