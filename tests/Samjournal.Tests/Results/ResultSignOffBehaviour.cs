using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.WorkItems;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Results;

/// <summary>Every final result gets a sign-off work item in its own transaction: for the orderer,
/// their cover, or the unit's queue; critical ones urgent and flagged; amended ones signed again.</summary>
public abstract class ResultSignOffBehaviour(SamjournalHost host, FakeTimeProvider time) : WorkItemTestBase(host, time)
{
    private const string MedicalWard = "310900117";
    private const string FlagSystem = "https://samjournal.no/fhir/CodeSystem/work-item-flag";

    [Fact]
    public async Task A_final_result_on_an_order_goes_to_the_orderer_once_and_only_they_may_sign_it()
    {
        var patient = await CreateAsync(NewPatient());
        var haugen = await PractitionerAsync("9100101");
        var order = await OrderAsync(patient.Id, haugen);
        var result = await PostAsync(Potassium(patient.Id, 4.1m, order));

        var task = Assert.Single(await SignOffsOfAsync($"Observation/{result.Id}"));
        Assert.Equal(haugen, task.Owner.Reference);
        Assert.Equal($"ServiceRequest/{order.Id}", task.BasedOn.Single().Reference);
        Assert.Equal($"Patient/{patient.Id}", task.For.Reference);
        Assert.Equal(await OrganisationAsync(MedicalWard), Ref(task, WorkItemTasks.QueueUrl));
        Assert.Equal(TimeSpan.FromDays(3), DeadlineOf(task) - AuthoredOn(task));
        Assert.DoesNotContain(task.Meta.Tag, t => t.System == FlagSystem);

        // The lab sends the same final result again: still one item to sign.
        await (await Client.PutAsync($"Observation/{result.Id}", FhirClientExtensions.Json(result))).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Single(await SignOffsOfAsync($"Observation/{result.Id}"));

        using var doctor = await Host.ClientForAsync("haugen");
        var mine = await (await doctor.GetAsync("$my-work")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Contains(mine.Entry, e => e.Resource.Id == task.Id);
        using var nurse = await Host.ClientForAsync("strand");
        await (await nurse.PostAsync($"Task/{task.Id}/$sign", null)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var note = new Parameters();
        note.Add("note", new FhirString("Normal kalium, ingen tiltak."));
        var signed = await (await doctor.PostAsync($"Task/{task.Id}/$sign", FhirClientExtensions.Json(note))).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        Assert.Equal(FhirTask.TaskStatus.Completed, signed.Status);
        Assert.Equal(haugen, signed.Owner.Reference);
        Assert.Contains(signed.Note, n => n.Text == "Normal kalium, ingen tiltak.");
        await (await doctor.PostAsync($"Task/{task.Id}/$sign", null)).ExpectOutcomeAsync(HttpStatusCode.Conflict);
        mine = await (await doctor.GetAsync("$my-work")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.DoesNotContain(mine.Entry, e => e.Resource.Id == task.Id);
    }

    [Fact]
    public async Task A_history_import_by_a_system_client_makes_no_sign_off_and_only_system_clients_may_declare_one()
    {
        var patient = await CreateAsync(NewPatient());
        var order = await OrderAsync(patient.Id, await PractitionerAsync("9100101"));
        using var import = new HttpRequestMessage(HttpMethod.Post, "Observation") { Content = FhirClientExtensions.Json(Potassium(patient.Id, 4.1m, order)) };
        import.Headers.Add("Samjournal-Purpose", "history-import");
        var migrated = await (await Client.SendAsync(import)).ExpectAsync<Observation>(HttpStatusCode.Created);
        Assert.Empty(await SignOffsOfAsync($"Observation/{migrated.Id}"));

        // The same result as a new arrival gets its sign-off.
        var arrived = await PostAsync(Potassium(patient.Id, 4.1m, order));
        Assert.Single(await SignOffsOfAsync($"Observation/{arrived.Id}"));

        // Staff cannot declare a migration, nor can anyone declare another purpose: refused, nothing written.
        using var doctor = await Host.ClientForAsync("haugen");
        using var staffImport = new HttpRequestMessage(HttpMethod.Post, "Observation") { Content = FhirClientExtensions.Json(Potassium(patient.Id, 4.1m, order)) };
        staffImport.Headers.Add("Samjournal-Purpose", "history-import");
        await (await doctor.SendAsync(staffImport)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        using var other = new HttpRequestMessage(HttpMethod.Post, "Observation") { Content = FhirClientExtensions.Json(Potassium(patient.Id, 4.1m, order)) };
        other.Headers.Add("Samjournal-Purpose", "research");
        await (await Client.SendAsync(other)).ExpectOutcomeAsync(HttpStatusCode.Forbidden);
        var results = await (await Client.GetAsync($"Observation?subject=Patient/{patient.Id}&_total=accurate")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        Assert.Equal(2, results.Total);
    }

    [Fact]
    public async Task A_critical_result_gets_priority_stat_the_short_deadline_and_the_flag()
    {
        var patient = await CreateAsync(NewPatient());
        var order = await OrderAsync(patient.Id, await PractitionerAsync("9100101"));
        var flagged = Potassium(patient.Id, 3.9m, order);
        flagged.Interpretation = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "HH")];
        var outOfRange = Potassium(patient.Id, 7.1m, order);
        var member = Potassium(patient.Id, 2.0m, null);
        member.Status = ObservationStatus.Preliminary;
        member.Category.Clear();
        member = await PostAsync(member);
        var report = await PostAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "24320-4", "Elektrolytter"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            BasedOn = [new ResourceReference("ServiceRequest/" + order.Id)],
            Result = [new ResourceReference("Observation/" + member.Id)],
        });

        foreach (var result in new[] { $"Observation/{(await PostAsync(flagged)).Id}", $"Observation/{(await PostAsync(outOfRange)).Id}", $"DiagnosticReport/{report.Id}" })
        {
            var task = Assert.Single(await SignOffsOfAsync(result));
            Assert.Equal(RequestPriority.Stat, task.Priority);
            Assert.Equal(TimeSpan.FromHours(2), DeadlineOf(task) - AuthoredOn(task));
            Assert.Contains(task.Meta.Tag, t => t.System == FlagSystem && t.Code == "critical-result");
        }

        Assert.Empty(await SignOffsOfAsync($"Observation/{member.Id}"));
        var normal = Assert.Single(await SignOffsOfAsync($"Observation/{(await PostAsync(Potassium(patient.Id, 4.0m, order))).Id}"));
        Assert.Equal(RequestPriority.Routine, normal.Priority);
    }

    [Fact]
    public async Task The_values_of_a_final_report_are_signed_with_the_report_not_one_by_one()
    {
        var patient = await CreateAsync(NewPatient());
        var order = await OrderAsync(patient.Id, await PractitionerAsync("9100101"));
        var value = await PostAsync(Potassium(patient.Id, 4.3m, order));
        Assert.True(WorkItemTasks.IsOpen(Assert.Single(await SignOffsOfAsync($"Observation/{value.Id}"))));

        var report = await PostAsync(new DiagnosticReport
        {
            Status = DiagnosticReport.DiagnosticReportStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "24320-4", "Elektrolytter"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            BasedOn = [new ResourceReference("ServiceRequest/" + order.Id)],
            Result = [new ResourceReference("Observation/" + value.Id)],
        });

        var handedOver = Assert.Single(await SignOffsOfAsync($"Observation/{value.Id}"));
        Assert.Equal(FhirTask.TaskStatus.Cancelled, handedOver.Status);
        Assert.Contains(handedOver.Note, n => n.Text.Contains($"DiagnosticReport/{report.Id}", StringComparison.Ordinal));
        Assert.True(WorkItemTasks.IsOpen(Assert.Single(await SignOffsOfAsync($"DiagnosticReport/{report.Id}"))));

        // The value sent again after the report: the report's sign-off covers it.
        await (await Client.PutAsync($"Observation/{value.Id}", FhirClientExtensions.Json(value))).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Single(await SignOffsOfAsync($"Observation/{value.Id}"));
    }

    [Fact]
    public async Task A_result_withdrawn_as_entered_in_error_closes_its_open_sign_off()
    {
        var patient = await CreateAsync(NewPatient());
        var result = await PostAsync(Potassium(patient.Id, 4.1m, await OrderAsync(patient.Id, await PractitionerAsync("9100101"))));

        result.Status = ObservationStatus.EnteredInError;
        await (await Client.PutAsync($"Observation/{result.Id}", FhirClientExtensions.Json(result))).ExpectAsync<Observation>(HttpStatusCode.OK);

        var task = Assert.Single(await SignOffsOfAsync($"Observation/{result.Id}"));
        Assert.Equal(FhirTask.TaskStatus.Cancelled, task.Status);
        Assert.Contains(task.Note, n => n.Text.Contains("trukket tilbake", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_amended_result_reopens_a_signed_sign_off_once()
    {
        var patient = await CreateAsync(NewPatient());
        var result = await PostAsync(Potassium(patient.Id, 4.1m, await OrderAsync(patient.Id, await PractitionerAsync("9100101"))));
        var first = Assert.Single(await SignOffsOfAsync($"Observation/{result.Id}"));
        using var doctor = await Host.ClientForAsync("haugen");
        await (await doctor.PostAsync($"Task/{first.Id}/$sign", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);

        result.Status = ObservationStatus.Amended;
        result.Value = new Quantity(5.9m, "mmol/L");
        await (await Client.PutAsync($"Observation/{result.Id}", FhirClientExtensions.Json(result))).ExpectAsync<Observation>(HttpStatusCode.OK);

        var tasks = await SignOffsOfAsync($"Observation/{result.Id}");
        Assert.Equal(2, tasks.Count);
        var reopened = Assert.Single(tasks, t => t.Status == FhirTask.TaskStatus.Requested);
        Assert.Contains(reopened.Note, n => n.Text.Contains("må kvitteres på nytt", StringComparison.Ordinal));
        Assert.Single(tasks, t => t.Status == FhirTask.TaskStatus.Completed);

        // Sent again while the new sign-off is open: nothing more.
        await (await Client.PutAsync($"Observation/{result.Id}", FhirClientExtensions.Json(result))).ExpectAsync<Observation>(HttpStatusCode.OK);
        Assert.Equal(2, (await SignOffsOfAsync($"Observation/{result.Id}")).Count);
    }

    [Fact]
    public async Task A_result_without_an_order_or_with_an_unknown_orderer_lands_in_a_unit_queue()
    {
        var patient = await CreateAsync(NewPatient());
        var homeCare = await OrganisationAsync("310900303");
        var gpOffice = await OrganisationAsync("310900508");
        var unordered = Potassium(patient.Id, 4.2m, null);
        unordered.Performer = [new ResourceReference(homeCare)];
        var unknownOrderer = await PostAsync(new ServiceRequest
        {
            Status = RequestStatus.Active,
            Intent = RequestIntent.Order,
            Code = new CodeableConcept("http://loinc.org", "2823-3"),
            Subject = new ResourceReference("Patient/" + patient.Id),
            Requester = new ResourceReference { Identifier = new Identifier(HprSystem, "99999999"), Display = "Ukjent lege" },
            Performer = [new ResourceReference(gpOffice)],
        });

        var byPerformer = Assert.Single(await SignOffsOfAsync($"Observation/{(await PostAsync(unordered)).Id}"));
        var byOrder = Assert.Single(await SignOffsOfAsync($"Observation/{(await PostAsync(Potassium(patient.Id, 4.2m, unknownOrderer))).Id}"));
        var byFallback = Assert.Single(await SignOffsOfAsync($"Observation/{(await PostAsync(Potassium(patient.Id, 4.2m, null))).Id}"));

        Assert.Equal(homeCare, byPerformer.Owner.Reference);
        Assert.Contains(byPerformer.Note, n => n.Text.Contains("ingen rekvisisjon", StringComparison.Ordinal));
        Assert.Equal(gpOffice, byOrder.Owner.Reference);
        Assert.Contains(byOrder.Note, n => n.Text.Contains("Rekvirenten er ukjent", StringComparison.Ordinal));
        Assert.Equal(await OrganisationAsync(MedicalWard), byFallback.Owner.Reference);
        Assert.All([byPerformer, byOrder, byFallback], t => Assert.NotNull(WorkItemTasks.Deadline(t)));
    }

    [Fact]
    public async Task The_result_of_an_absent_orderer_goes_to_their_cover()
    {
        var patient = await CreateAsync(NewPatient());
        var absent = await PostAsync(new Practitioner { Identifier = [new Identifier(HprSystem, "97" + Random.Shared.Next(100000, 999999))], Name = [new HumanName { Family = "Borte", Given = ["Berit"] }] });
        var cover = await PractitionerAsync("91000502");
        var role = new PractitionerRole
        {
            Practitioner = new ResourceReference("Practitioner/" + absent.Id),
            Organization = new ResourceReference(await OrganisationAsync("310900508")),
            NotAvailable = [new PractitionerRole.NotAvailableComponent { Description = "Ferie", During = new Period(new FhirDateTime(Time.GetUtcNow().AddDays(-1)), new FhirDateTime(Time.GetUtcNow().AddDays(30))) }],
        };
        role.SetExtension("https://samjournal.no/fhir/StructureDefinition/practitionerrole-cover", new ResourceReference(cover));
        await PostAsync(role);

        var result = await PostAsync(Potassium(patient.Id, 4.0m, await OrderAsync(patient.Id, "Practitioner/" + absent.Id)));

        var task = Assert.Single(await SignOffsOfAsync($"Observation/{result.Id}"));
        Assert.Equal(cover, task.Owner.Reference);
        Assert.Contains(task.Note, n => n.Text.Contains("fraværende", StringComparison.Ordinal));
        Assert.Equal(await OrganisationAsync("310900508"), Ref(task, WorkItemTasks.QueueUrl));
    }

    [Fact]
    public async Task Every_final_result_ends_signed_or_escalated_to_the_last_level()
    {
        var patient = await CreateAsync(NewPatient());
        var haugen = await PractitionerAsync("9100101");
        var order = await OrderAsync(patient.Id, haugen);
        var critical = Potassium(patient.Id, 7.4m, order);
        var results = new List<Observation>
        {
            await PostAsync(Potassium(patient.Id, 4.0m, order)),
            await PostAsync(Potassium(patient.Id, 4.1m, order)),
            await PostAsync(critical),
            await PostAsync(Potassium(patient.Id, 4.2m, null)),
        };
        using (var doctor = await Host.ClientForAsync("haugen"))
        {
            var toSign = Assert.Single(await SignOffsOfAsync($"Observation/{results[1].Id}"));
            await (await doctor.PostAsync($"Task/{toSign.Id}/$sign", null)).ExpectAsync<FhirTask>(HttpStatusCode.OK);
        }

        // Past every deadline, twice: each open item takes both steps.
        for (var pass = 0; pass < 3; pass++)
        {
            var open = new List<FhirTask>();
            foreach (var result in results)
            {
                open.AddRange((await SignOffsOfAsync($"Observation/{result.Id}")).Where(WorkItemTasks.IsOpen));
            }

            if (open.Count > 0)
            {
                await MoveClockToAsync(open.Max(DeadlineOf).AddMinutes(1));
            }

            await EscalateAsync();
        }

        foreach (var result in results)
        {
            var tasks = await SignOffsOfAsync($"Observation/{result.Id}");
            Assert.NotEmpty(tasks);
            Assert.All(tasks, t => Assert.True(
                t.Status == FhirTask.TaskStatus.Completed || (WorkItemTasks.Escalation(t) == WorkItemTasks.EscalatedToTarget && t.Owner.Reference == Ref(t, WorkItemTasks.EscalationTargetUrl)),
                $"Task/{t.Id} for Observation/{result.Id} is {t.Status}, owned by {t.Owner?.Reference}, escalation {WorkItemTasks.Escalation(t)}"));
        }
    }

    private async Task<ServiceRequest> OrderAsync(string patientId, string requester) => await PostAsync(new ServiceRequest
    {
        Status = RequestStatus.Active,
        Intent = RequestIntent.Order,
        Code = new CodeableConcept("http://loinc.org", "2823-3", "Kalium"),
        Subject = new ResourceReference("Patient/" + patientId),
        Requester = new ResourceReference(requester),
    });

    private static Observation Potassium(string patientId, decimal value, ServiceRequest? order) => new()
    {
        Status = ObservationStatus.Final,
        Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")],
        Code = new CodeableConcept("http://loinc.org", "2823-3", "Kalium"),
        Subject = new ResourceReference("Patient/" + patientId),
        BasedOn = order is null ? [] : [new ResourceReference("ServiceRequest/" + order.Id)],
        Value = new Quantity(value, "mmol/L"),
    };
}

public sealed class ResultSignOffOnSqlite(WorkItemSqliteHost host) : ResultSignOffBehaviour(host, host.Time), IClassFixture<WorkItemSqliteHost>;

public sealed class ResultSignOffOnPostgres(WorkItemPostgresHost host) : ResultSignOffBehaviour(host, host.Time), IClassFixture<WorkItemPostgresHost>;
