using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Search;

/// <summary>Chained parameters of any depth (search.html#chaining), over a small graph each test builds.</summary>
public abstract class ChainSearchBehaviour(SamjournalHost host) : SearchTestBase(host)
{
    /// <summary>Patients with their GPs, observations on them and reports on those, including
    /// targets that were deleted and a reference to the wrong type that carries a patient's id.</summary>
    private sealed record Graph(
        string Marker,
        Patient WithOdegard,
        Patient WithBerg,
        Patient WithDeletedGp,
        Patient WithOrganisationGp,
        Observation OnOdegardsPatient,
        Observation OnBergsPatient,
        Observation OnDeletedGpsPatient,
        Observation OnOrganisationGpsPatient,
        Observation OnDeletedPatient,
        Observation OnGroupWithPatientsId,
        DiagnosticReport OnOdegardsObservation,
        DiagnosticReport OnBergsObservation,
        DiagnosticReport OnDeletedObservation,
        DiagnosticReport OnDeletedPatientsObservation);

    private async Task<Graph> BuildAsync()
    {
        var marker = Unique()[..8];
        var odegard = await PostAsync(new Practitioner { Name = [new HumanName { Family = $"Ødegård{marker}", Given = ["Ola"] }] });
        var berg = await PostAsync(new Practitioner { Name = [new HumanName { Family = $"Berg{marker}", Given = ["Eva"] }] });
        var gone = await PostAsync(new Practitioner { Name = [new HumanName { Family = $"Ødegård{marker}", Given = ["Per"] }] });
        var office = await PostAsync(new Organization { Name = $"Ødegård{marker} legekontor" });

        async Task<Patient> PatientWith(ResourceReference gp)
        {
            var patient = NewPatient($"Kjede{marker}");
            patient.GeneralPractitioner = [gp];
            return await CreateAsync(patient);
        }

        var withOdegard = await PatientWith(new ResourceReference($"Practitioner/{odegard.Id}"));
        var withBerg = await PatientWith(new ResourceReference($"Practitioner/{berg.Id}"));
        var withGone = await PatientWith(new ResourceReference($"Practitioner/{gone.Id}"));
        var withOffice = await PatientWith(new ResourceReference($"Organization/{office.Id}"));
        var deletedPatient = await PatientWith(new ResourceReference($"Practitioner/{odegard.Id}"));

        // A Group that has the id of Ødegård's patient: a reference to it must never count as one to the patient.
        var group = await PutAsync(new Group { Id = withOdegard.Id, Type = Group.GroupType.Person, Actual = true });

        async Task<Observation> ObservationOn(string subject) => await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("urn:test:" + marker, "hb"),
            Subject = new ResourceReference(subject),
        });

        var onOdegards = await ObservationOn($"Patient/{withOdegard.Id}");
        var onBergs = await ObservationOn($"Patient/{withBerg.Id}");
        var onGones = await ObservationOn($"Patient/{withGone.Id}");
        var onOffices = await ObservationOn($"Patient/{withOffice.Id}");
        var onDeletedPatient = await ObservationOn($"Patient/{deletedPatient.Id}");
        var onGroup = await ObservationOn($"Group/{group.Id}");
        var deletedObservation = await ObservationOn($"Patient/{withOdegard.Id}");

        async Task<DiagnosticReport> ReportOn(Observation result) => await PostAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept("urn:test:" + marker, "panel"),
            Result = [new ResourceReference($"Observation/{result.Id}")],
        });

        var graph = new Graph(
            marker, withOdegard, withBerg, withGone, withOffice, onOdegards, onBergs, onGones, onOffices, onDeletedPatient, onGroup,
            await ReportOn(onOdegards), await ReportOn(onBergs), await ReportOn(deletedObservation), await ReportOn(onDeletedPatient));
        await DeleteAsync(gone);
        await DeleteAsync(deletedPatient);
        await DeleteAsync(deletedObservation);
        return graph;
    }

    [Fact]
    public async Task Two_links_with_types_find_the_observations_of_the_patients_whose_gp_has_that_name()
    {
        var g = await BuildAsync();

        Assert.Equal(Ids(g.OnOdegardsPatient), await MatchIdsAsync($"Observation?subject:Patient.general-practitioner:Practitioner.name=Ødegård{g.Marker}"));
        Assert.Equal(Ids(g.OnBergsPatient), await MatchIdsAsync($"Observation?subject:Patient.general-practitioner:Practitioner.name=berg{g.Marker}"));
        Assert.Equal(Ids(g.OnOrganisationGpsPatient), await MatchIdsAsync($"Observation?subject:Patient.general-practitioner:Organization.name=odegard{g.Marker}"));
        Assert.Empty(await MatchIdsAsync($"Observation?subject:Patient.general-practitioner:Practitioner.name=ingen{g.Marker}"));
    }

    [Fact]
    public async Task Links_without_a_type_search_every_type_the_reference_can_point_to()
    {
        var g = await BuildAsync();

        // general-practitioner may point to a Practitioner, an Organization or a PractitionerRole; both named Ødegård count.
        Assert.Equal(
            Ids(g.OnOdegardsPatient, g.OnOrganisationGpsPatient),
            await MatchIdsAsync($"Observation?subject.general-practitioner.name=Ødegård{g.Marker}"));
    }

    [Fact]
    public async Task Modifiers_and_id_apply_to_the_last_parameter_of_the_chain()
    {
        var g = await BuildAsync();
        var chain = "Observation?subject:Patient.general-practitioner:Practitioner";

        Assert.Equal(Ids(g.OnOdegardsPatient), await MatchIdsAsync($"{chain}.name:exact=Ødegård{g.Marker}"));
        Assert.Empty(await MatchIdsAsync($"{chain}.name:exact=ødegård{g.Marker}"));
        Assert.Equal(Ids(g.OnOdegardsPatient, g.OnBergsPatient), await MatchIdsAsync($"{chain}.name:contains={g.Marker}"));
        Assert.Equal(Ids(g.OnBergsPatient), await MatchIdsAsync($"{chain}._id={g.WithBerg.GeneralPractitioner[0].Reference.Split('/')[1]}"));
        Assert.Equal(Ids(g.OnOdegardsPatient, g.OnBergsPatient, g.OnDeletedGpsPatient, g.OnOrganisationGpsPatient), await MatchIdsAsync($"Observation?code=urn:test:{g.Marker}|hb&subject:Patient.family=kjede{g.Marker}"));
        Assert.Equal(Ids(g.OnBergsPatient), await MatchIdsAsync($"Observation?code=urn:test:{g.Marker}|hb&subject:Patient.family=kjede{g.Marker}&subject:Patient.general-practitioner.name=berg{g.Marker}"));
    }

    [Fact]
    public async Task Three_links_reach_from_a_report_through_its_results_and_their_patients_to_the_gp()
    {
        var g = await BuildAsync();
        var fnr = $"{g.WithOdegard.Identifier[0].System}|{g.WithOdegard.Identifier[0].Value}";

        Assert.Equal(Ids(g.OnOdegardsObservation), await MatchIdsAsync($"DiagnosticReport?result.subject.identifier={fnr}"));
        Assert.Equal(Ids(g.OnOdegardsObservation), await MatchIdsAsync($"DiagnosticReport?result.subject:Patient.general-practitioner:Practitioner.name=Ødegård{g.Marker}"));
        Assert.Equal(
            Ids(g.OnOdegardsObservation, g.OnBergsObservation),
            await MatchIdsAsync($"DiagnosticReport?result.subject:Patient.general-practitioner.name=Ødegård{g.Marker},Berg{g.Marker}"));
    }

    [Fact]
    public async Task Deleted_targets_and_references_to_another_type_with_the_same_id_never_match()
    {
        var g = await BuildAsync();

        // The GP of WithDeletedGp was deleted, as was one patient of Ødegård and one observation on his other patient.
        Assert.Equal(Ids(g.OnOdegardsPatient), await MatchIdsAsync($"Observation?code=urn:test:{g.Marker}|hb&subject.general-practitioner:Practitioner.name=Ødegård{g.Marker}"));
        Assert.Equal(Ids(g.OnOdegardsObservation), await MatchIdsAsync($"DiagnosticReport?code=urn:test:{g.Marker}|panel&result.subject:Patient.general-practitioner:Practitioner.name=Ødegård{g.Marker}"));

        // The Group carries the patient's id; only the typed link to the patient finds the patient's observation.
        Assert.Equal(Ids(g.OnOdegardsPatient), await MatchIdsAsync($"Observation?subject:Patient._id={g.WithOdegard.Id}"));
        Assert.Equal(Ids(g.OnGroupWithPatientsId), await MatchIdsAsync($"Observation?subject:Group._id={g.WithOdegard.Id}"));
        Assert.Equal(Ids(g.OnOdegardsPatient, g.OnGroupWithPatientsId), await MatchIdsAsync($"Observation?subject._id={g.WithOdegard.Id}"));
    }

    [Fact]
    public async Task Four_links_are_answered_and_five_are_refused_or_reported()
    {
        var marker = Unique()[..8];
        Patient? next = null;
        var people = new List<Patient>();
        for (var i = 0; i < 4; i++)
        {
            var patient = NewPatient(i == 0 ? $"Lenke{marker}" : $"Ledd{marker}");
            if (next is not null)
            {
                patient.Link = [new Patient.LinkComponent { Other = new ResourceReference($"Patient/{next.Id}"), Type = Patient.LinkType.Seealso }];
            }

            next = await CreateAsync(patient);
            people.Add(next);
        }

        var observation = await PostAsync(new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("urn:test:" + marker, "hb"), Subject = new ResourceReference($"Patient/{next!.Id}") });
        const string Link = ".link:Patient";

        Assert.Equal(Ids(observation), await MatchIdsAsync($"Observation?subject:Patient{Link}{Link}{Link}.family=lenke{marker}"));
        Assert.Empty(await MatchIdsAsync($"Observation?subject:Patient{Link}{Link}.family=lenke{marker}"));

        var five = $"Observation?code=urn:test:{marker}|hb&subject:Patient{Link}{Link}{Link}{Link}.family=lenke{marker}";
        await RefusedWhenStrictAsync(five, "at most 4");
        Assert.Equal(Ids(observation), await IgnoredWhenLenientAsync(five, "at most 4"));
    }

    [Fact]
    public async Task Chains_that_cannot_mean_anything_are_refused_naming_the_problem()
    {
        await RefusedWhenStrictAsync("Observation?code.text=x", "'code' is not a reference parameter of Observation");
        await RefusedWhenStrictAsync("Observation?subject:Medication.code=x", "cannot refer to a Medication");
        await RefusedWhenStrictAsync("Observation?subject:Nothing.name=x", "'Nothing' is not a resource type");
        await RefusedWhenStrictAsync("Observation?subject.nonsense=x", "has a search parameter 'nonsense'");
        await RefusedWhenStrictAsync("Observation?subject:Patient.general-practitioner:Practitioner.name:below=x", "Modifier ':below' is not supported on 'name'");
        await RefusedAsync("Observation?subject:Patient.birthdate=not-a-date", "not a date");
    }

    [Fact]
    public async Task One_link_to_any_type_is_answered_but_two_ask_for_types_on_the_links()
    {
        var marker = Unique()[..8];
        var patient = await CreateAsync(NewPatient($"Spor{marker}"));
        var observation = await PostAsync(new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("urn:test:" + marker, "hb"), Subject = new ResourceReference($"Patient/{patient.Id}") });
        var audit = await PostAsync(new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
            Recorded = DateTimeOffset.UtcNow,
            Agent = [new AuditEvent.AgentComponent { Who = new ResourceReference($"Patient/{patient.Id}"), Requestor = true }],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference($"Patient/{patient.Id}") },
            Entity = [new AuditEvent.EntityComponent { What = new ResourceReference($"Observation/{observation.Id}") }],
        });

        // AuditEvent.entity may point to any of the 145 types: one such link is searched on all of them.
        Assert.Equal(Ids(audit), await MatchIdsAsync($"AuditEvent?entity._id={observation.Id}"));
        Assert.Equal(Ids(audit), await MatchIdsAsync($"AuditEvent?entity:Observation.subject:Patient.family=spor{marker}"));

        // Each of those with a 'subject' fans out again, to hundreds of subqueries.
        await RefusedWhenStrictAsync($"AuditEvent?entity.subject.name=spor{marker}", "combinations of target types");
        Assert.Contains(audit.Id, await IgnoredWhenLenientAsync($"AuditEvent?agent=Patient/{patient.Id}&entity.subject.name=spor{marker}", "entity.subject.name"));
    }
}

public sealed class ChainSearchOnSqlite(SqliteHost host) : ChainSearchBehaviour(host), IClassFixture<SqliteHost>;

public sealed class ChainSearchOnPostgres(PostgresHost host) : ChainSearchBehaviour(host), IClassFixture<PostgresHost>;
