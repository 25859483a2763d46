using System.Net;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.Messaging;
using Samjournal.Clinical.WorkItems;
using Samjournal.Tests.Durability;
using Samjournal.Tests.Infrastructure;
using Xunit.Abstractions;
using Endpoint = Hl7.Fhir.Model.Endpoint;
using FhirTask = Hl7.Fhir.Model.Task;

namespace Samjournal.Tests.Messaging;

/// <summary>
/// Invariant 5 across a system boundary, with real processes: a hospital and a municipality that
/// runs its own Samjournal exchange referrals and messages over HTTP on 127.0.0.1, each with the
/// other in its address directory. Faults: the receiver rejects, the receiver is down for a while,
/// the sender is killed (kill -9) between commit and transmit, the same message is delivered twice.
/// Zero messages lost, zero duplicates created, every failure on a named person's queue, and the
/// day's reconciliation balances.
/// </summary>
public sealed class TwoSystemsMessagingTests(ITestOutputHelper output)
{
    private const string OrgSystem = NorwegianSystems.Organisasjonsnummer;
    private const string Hospital = "310900109";
    private const string MedicalWard = "310900117";
    private const string Municipality = "310900206";
    private const string HomeCare = "310900303";
    private const string FjordvikLegekontor = "310900508";

    [Fact]
    public async System.Threading.Tasks.Task Referrals_and_messages_cross_between_two_systems_without_loss_or_duplicates()
    {
        var directory = Path.Combine(Path.GetTempPath(), "samjournal-messaging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var hospitalPort = ServerProcess.FreePort();
        var municipalityPort = ServerProcess.FreePort();
        var hospitalDb = $"Data Source={Path.Combine(directory, "hospital.db")}";
        var municipalityDb = $"Data Source={Path.Combine(directory, "municipality.db")}";
        Task<ServerProcess> StartHospitalAsync(string interval = "1") =>
            ServerProcess.StartAsync("Sqlite", hospitalDb, directory, hospitalPort, seedDemo: true, Settings(hospitalPort, municipalityPort, interval));
        Task<ServerProcess> StartMunicipalityAsync() =>
            ServerProcess.StartAsync("Sqlite", municipalityDb, directory, municipalityPort, seedDemo: true, Settings(municipalityPort, hospitalPort, "1"));

        var hospital = await StartHospitalAsync();
        var municipality = await StartMunicipalityAsync();
        try
        {
            using var hSystem = hospital.CreateClient();
            using var mSystem = municipality.CreateClient();
            await RegisterEndpointAsync(hSystem, Municipality, municipalityPort, MessageTypes.Sendable);
            await RegisterEndpointAsync(mSystem, Hospital, hospitalPort, [MessageTypes.DischargeSummary, MessageTypes.DialogueMessage]);

            // A patient admitted to the hospital's medical ward: Ingrid Haugen there may write for them.
            var fnr = new SyntheticIdentityGenerator(Environment.TickCount).NextFodselsnummer(new DateOnly(1948, 3, 14), AdministrativeGender.Female);
            var patient = await CreateAsync(hSystem, new Patient
            {
                Identifier = [new Identifier(NorwegianSystems.Fodselsnummer, fnr)],
                Name = [new HumanName { Family = "Grøtli", Given = ["Solveig"] }],
                Gender = AdministrativeGender.Female,
                BirthDate = "1948-03-14",
                GeneralPractitioner = [new ResourceReference(await OrganisationAsync(hSystem, FjordvikLegekontor))],
            });
            var stay = await CreateAsync(hSystem, new Encounter
            {
                Status = Encounter.EncounterStatus.InProgress,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
                Subject = new ResourceReference("Patient/" + patient.Id),
                ServiceProvider = new ResourceReference(await OrganisationAsync(hSystem, MedicalWard)),
            });
            using var haugen = await hospital.ClientForAsync("haugen");
            var haugenPerson = "Practitioner/" + (await SearchAsync<Practitioner>(hSystem, $"Practitioner?identifier={NorwegianSystems.HprNummer}|9100101")).Single().Id;
            var homeCareOnHospital = await OrganisationAsync(hSystem, HomeCare);
            // She had home care from the municipality before the stay, so her discharge summary goes there too.
            await CreateAsync(hSystem, new Encounter
            {
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "HH"),
                Subject = new ResourceReference("Patient/" + patient.Id),
                ServiceProvider = new ResourceReference(homeCareOnHospital),
                Period = new Period { StartElement = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-60)), EndElement = new FhirDateTime(DateTimeOffset.UtcNow.AddDays(-3)) },
            });

            // 1. A referral to the municipality's home care: delivered, taken in once, accepted, and the referrer sees it.
            var (referral, referralMessage) = await SendReferralAsync(haugen, patient.Id, homeCareOnHospital, "Hjemmesykepleie: sårstell og medisiner");
            var delivered = await WaitForStateAsync(hSystem, referralMessage, DeliveryStates.Delivered);
            Assert.Equal("1", delivered.GetExtension(MessageRecords.ReceiptUrl)?.GetExtensionValue<Coding>("status")?.Code);
            Assert.Equal(FhirTask.TaskStatus.Received, (await TrackingAsync(hSystem, referral)).Status);

            var mPatient = (await SearchAsync<Patient>(mSystem, $"Patient?identifier={NorwegianSystems.Fodselsnummer}|{fnr}")).Single();
            var mReferral = (await SearchAsync<ServiceRequest>(mSystem, "ServiceRequest?subject=Patient/" + mPatient.Id)).Single();
            var mTask = (await SearchAsync<FhirTask>(mSystem, $"Task?focus=ServiceRequest/{mReferral.Id}&code={WorkItemTypes.System}|{WorkItemTypes.Referral}")).Single();
            Assert.Equal(FhirTask.TaskStatus.Requested, mTask.Status);
            Assert.Equal(HomeCare, WorkItemTasks.Reference(mTask, WorkItemTasks.QueueUrl)?.Identifier?.Value);
            Assert.NotNull(WorkItemTasks.Deadline(mTask));

            using var hagen = await municipality.ClientForAsync("hagen");
            Assert.Equal(HttpStatusCode.Forbidden, (await hagen.GetAsync("Patient/" + mPatient.Id)).StatusCode);
            var accepted = await hagen.PostAsync($"Task/{mTask.Id}/$accept", null);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await hagen.GetAsync("Patient/" + mPatient.Id)).StatusCode);
            await WaitForAsync(async () => (await TrackingAsync(hSystem, referral)).Status == FhirTask.TaskStatus.Accepted, "the referrer to see the referral accepted");

            // 1b. The signed discharge summary goes by itself to the GP (on this record) and to home care (on the other system).
            var signed = await SignDischargeSummaryAsync(haugen, hSystem, patient.Id, "Encounter/" + stay.Id);
            var summaries = await SearchAsync<Communication>(hSystem, $"Communication?subject=Patient/{patient.Id}&category={MessageTypes.System}|{MessageTypes.DischargeSummary}");
            Assert.Equal(2, summaries.Count);
            foreach (var summary in summaries)
            {
                await WaitForStateAsync(hSystem, summary.Id, DeliveryStates.Delivered);
            }

            var document = (await SearchAsync<DocumentReference>(mSystem, "DocumentReference?subject=Patient/" + mPatient.Id)).Single();
            var carried = new FhirJsonDeserializer().Deserialize<Composition>(System.Text.Encoding.UTF8.GetString(document.Content[0].Attachment.Data));
            Assert.Equal(CompositionStatus.Final, carried.Status);
            Assert.Equal(signed.Section.Count, carried.Section.Count);
            var toRead = (await SearchAsync<FhirTask>(mSystem, $"Task?focus=DocumentReference/{document.Id}&code={WorkItemTypes.System}|{WorkItemTypes.MessageToRead}")).Single();
            Assert.Equal(HomeCare, WorkItemTasks.Reference(toRead, WorkItemTasks.QueueUrl)?.Identifier?.Value);

            // 2. The receiver rejects: a unit the hospital's directory routes to the municipality, but which the municipality does not have.
            var physio = await CreateAsync(hSystem, new Organization
            {
                Identifier = [new Identifier(OrgSystem, ValidOrganisationNumber("31090077"))],
                Name = "Fysioterapitjenesten Fjordvik",
                PartOf = new ResourceReference(await OrganisationAsync(hSystem, Municipality)),
            });
            var (rejectedReferral, rejectedMessage) = await SendReferralAsync(haugen, patient.Id, "Organization/" + physio.Id, "Fysioterapi etter hoftebrudd");
            var rejected = await WaitForStateAsync(hSystem, rejectedMessage, DeliveryStates.Rejected);
            Assert.Contains("E21", MessageRecords.ReceiptText(rejected));
            Assert.Equal(FhirTask.TaskStatus.Failed, (await TrackingAsync(hSystem, rejectedReferral)).Status);
            var failure = (await SearchAsync<FhirTask>(hSystem, $"Task?focus=Communication/{rejectedMessage}&code={WorkItemTypes.System}|{WorkItemTypes.MessageFailure}")).Single();
            Assert.Equal(haugenPerson, WorkItemTasks.Literal(failure.Owner));
            Assert.Equal(MedicalWard, WorkItemTasks.Reference(failure, WorkItemTasks.QueueUrl)?.Identifier?.Value);
            Assert.Single(await SearchAsync<ServiceRequest>(mSystem, "ServiceRequest?subject=Patient/" + mPatient.Id));

            // 3. The receiver is down for a while: the message waits, is retried, and arrives once.
            municipality.Dispose();
            var whileDown = await SendMessageAsync(haugen, patient.Id, homeCareOnHospital, "Pasienten skrives ut i morgen formiddag.");
            await WaitForAsync(async () => MessageRecords.Attempts(await CommunicationAsync(hSystem, whileDown)) >= 2, "two failed attempts while the receiver is down");
            Assert.Equal(DeliveryStates.Queued, MessageRecords.State(await CommunicationAsync(hSystem, whileDown)));
            municipality = await StartMunicipalityAsync();
            await WaitForStateAsync(hSystem, whileDown, DeliveryStates.Delivered);

            // 4. The sender is killed between commit and transmit: after restart the message goes, once.
            hospital.Dispose();
            hospital = await StartHospitalAsync(interval: "0");
            using (var haugenAgain = await hospital.ClientForAsync("haugen"))
            {
                var beforeCrash = await SendMessageAsync(haugenAgain, patient.Id, homeCareOnHospital, "Ny medisinliste følger med epikrisen.");
                using var hQuiet = hospital.CreateClient();
                Assert.Equal(DeliveryStates.Queued, MessageRecords.State(await CommunicationAsync(hQuiet, beforeCrash)));
                hospital.Kill();
                hospital.Dispose();
                hospital = await StartHospitalAsync();
                using var hAfter = hospital.CreateClient();
                await WaitForStateAsync(hAfter, beforeCrash, DeliveryStates.Delivered);
            }

            using var hClient = hospital.CreateClient();
            using var mClient = municipality.CreateClient();

            // 5. The same message delivered twice: taken once, answered again.
            var original = await CommunicationAsync(hClient, referralMessage);
            var replay = await ReplayAsync(hClient, original, hospitalPort, municipalityPort);
            using (var again = await mClient.PostAsync("$process-message", FhirClientExtensions.Json(replay)))
            {
                Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            }

            Assert.Single(await SearchAsync<ServiceRequest>(mClient, "ServiceRequest?subject=Patient/" + mPatient.Id));
            Assert.Single(await SearchAsync<FhirTask>(mClient, $"Task?focus=ServiceRequest/{mReferral.Id}"));

            // Every message the hospital sent is on the municipality exactly once.
            var inbound = await SearchAsync<Communication>(mClient, $"Communication?subject=Patient/{mPatient.Id}&_tag={MessageRecords.DirectionSystem}|{MessageRecords.Inbound}");
            var sent = await SearchAsync<Communication>(hClient, $"Communication?subject=Patient/{patient.Id}&_tag={MessageRecords.DirectionSystem}|{MessageRecords.Outbound}");
            Assert.Equal(6, sent.Count);
            var remote = sent.Where(m => MessageRecords.Channel(m) == MessageRecords.FhirMessagingChannel).ToList();
            Assert.Equal(5, remote.Count);
            Assert.Equal(remote.Select(MessageRecords.MessageId).Order(), inbound.Select(MessageRecords.MessageId).Order());
            Assert.Equal(3, (await SearchAsync<FhirTask>(mClient, $"Task?patient=Patient/{mPatient.Id}&code={WorkItemTypes.System}|{WorkItemTypes.MessageToRead}")).Count);

            // 6. The day's reconciliation: the rejection is open until someone handles it, then it balances.
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var before = await ReconciliationAsync(hClient, today);
            Assert.False(before.GetSingleValue<FhirBoolean>("balanced")!.Value);
            Assert.Equal($"Communication/{rejectedMessage}", Assert.Single(before.Parameter.Single(p => p.Name == "unaccounted").Part).Value is ResourceReference r ? r.Reference : null);
            using (var haugenLast = await hospital.ClientForAsync("haugen"))
            {
                Assert.Equal(HttpStatusCode.OK, (await haugenLast.PostAsync($"Task/{failure.Id}/$sign", null)).StatusCode);
            }

            var after = await ReconciliationAsync(hClient, today);
            output.WriteLine(string.Join(", ", after.Parameter.Select(p => $"{p.Name}={p.Value}")));
            Assert.True(after.GetSingleValue<FhirBoolean>("balanced")!.Value);
            Assert.Equal(6, after.GetSingleValue<Integer>("created")!.Value);
            Assert.Equal(5, after.GetSingleValue<Integer>("delivered")!.Value);
            Assert.Equal(1, after.GetSingleValue<Integer>("rejectedHandled")!.Value);
        }
        finally
        {
            hospital.Dispose();
            municipality.Dispose();
        }
    }

    /// <summary>Reconciles the medications at discharge from the stay, drafts the summary and signs it, as the ward doctor.</summary>
    private static async Task<Composition> SignDischargeSummaryAsync(HttpClient doctor, HttpClient system, string patient, string stay)
    {
        var reconciliation = new Parameters();
        reconciliation.Add("occasion", new Code("discharge"));
        reconciliation.Add("encounter", new ResourceReference(stay));
        reconciliation.Add("source", new Coding("https://samjournal.no/fhir/CodeSystem/reconciliation-source", "patient-interview"));
        (await doctor.PostAsync($"Patient/{patient}/$reconcile-medications", FhirClientExtensions.Json(reconciliation))).EnsureSuccessStatusCode();
        var draft = await CreateAsync(system, new Composition
        {
            Status = CompositionStatus.Preliminary,
            Type = new CodeableConcept("http://loinc.org", "18842-5", "Discharge summary"),
            Subject = new ResourceReference("Patient/" + patient),
            Encounter = new ResourceReference(stay),
            DateElement = new FhirDateTime(DateTimeOffset.UtcNow),
            Author = [new ResourceReference { Display = "Ingrid Haugen" }],
            Title = "Epikrise",
        });
        return await (await doctor.PostAsync($"Composition/{draft.Id}/$sign", null)).ExpectAsync<Composition>(HttpStatusCode.OK);
    }

    private static Dictionary<string, string> Settings(int own, int peer, string interval) => new()
    {
        ["Messaging:DeliveryIntervalSeconds"] = interval,
        ["Messaging:RetryFirstSeconds"] = "1",
        ["Messaging:RetryMaxSeconds"] = "2",
        ["Messaging:MaxAttempts"] = "200",
        ["Messaging:TransmitTimeoutSeconds"] = "10",
        ["Messaging:OwnAddress"] = $"http://127.0.0.1:{own}/fhir",
        ["Messaging:Credentials:0:Address"] = $"http://127.0.0.1:{peer}/fhir",
        ["Messaging:Credentials:0:TokenUrl"] = $"http://127.0.0.1:{peer}/connect/token",
        ["Messaging:Credentials:0:ClientId"] = SamjournalHost.DemoClientId,
        ["Messaging:Credentials:0:ClientSecret"] = SamjournalHost.DemoClientSecret,
        ["Fhir:WarmUpValidator"] = "false",
    };

    private static async System.Threading.Tasks.Task RegisterEndpointAsync(HttpClient client, string organisation, int port, IEnumerable<string> types) =>
        await CreateAsync(client, new Endpoint
        {
            Status = Endpoint.EndpointStatus.Active,
            ConnectionType = new Coding(MessageRecords.ConnectionTypeSystem, MessageRecords.FhirMessagingChannel),
            Name = "Meldingsmottak " + organisation,
            ManagingOrganization = new ResourceReference(await OrganisationAsync(client, organisation)),
            PayloadType = types.Select(t => new CodeableConcept(MessageTypes.System, t)).ToList(),
            Address = $"http://127.0.0.1:{port}/fhir",
        });

    private static async Task<(string Referral, string Message)> SendReferralAsync(HttpClient client, string patient, string receiver, string what)
    {
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:" + Guid.NewGuid(),
                    Resource = new ServiceRequest
                    {
                        Status = RequestStatus.Active,
                        Intent = RequestIntent.Order,
                        Subject = new ResourceReference("Patient/" + patient),
                        Code = new CodeableConcept { Text = what },
                        ReasonCode = [new CodeableConcept { Text = "Utskrives fra sykehus" }],
                    },
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest" },
                },
            ],
        };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = Message(MessageTypes.Referral, patient, receiver, new Communication.PayloadComponent { Content = new ResourceReference(bundle.Entry[0].FullUrl) }),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Communication" },
        });
        var response = await (await client.PostAsync("", FhirClientExtensions.Json(bundle))).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return (response.Entry[0].Response.Location.Split("/_history")[0], response.Entry[1].Response.Location.Split('/')[1]);
    }

    private static async Task<string> SendMessageAsync(HttpClient client, string patient, string receiver, string text)
    {
        var created = await (await client.PostAsync("Communication", FhirClientExtensions.Json(
            Message(MessageTypes.CareMessage, patient, receiver, new Communication.PayloadComponent { Content = new FhirString(text) })))).ExpectAsync<Communication>(HttpStatusCode.Created);
        return created.Id;
    }

    private static Communication Message(string type, string patient, string receiver, Communication.PayloadComponent payload) => new()
    {
        Status = EventStatus.Preparation,
        Category = [new CodeableConcept(MessageTypes.System, type)],
        Subject = new ResourceReference("Patient/" + patient),
        Recipient = [new ResourceReference(receiver)],
        Payload = [payload],
    };

    /// <summary>The message as the hospital sent it, put together again by the test from what the
    /// hospital stored: the same message id, so the receiver must recognise it.</summary>
    private static async Task<Bundle> ReplayAsync(HttpClient hospital, Communication message, int hospitalPort, int municipalityPort)
    {
        var id = MessageRecords.MessageId(message)!;
        var patient = await (await hospital.GetAsync(message.Subject.Reference)).ExpectAsync<Patient>(HttpStatusCode.OK);
        var referral = await (await hospital.GetAsync(MessageRecords.PayloadReferences(message).Single())).ExpectAsync<ServiceRequest>(HttpStatusCode.OK);
        var header = new MessageHeader
        {
            Id = id,
            Event = new Coding(MessageTypes.System, MessageTypes.Referral),
            Source = new MessageHeader.MessageSourceComponent { Endpoint = $"http://127.0.0.1:{hospitalPort}/fhir" },
            Sender = new ResourceReference { Identifier = new Identifier(OrgSystem, MedicalWard) },
            Destination = [new MessageHeader.MessageDestinationComponent { Endpoint = $"http://127.0.0.1:{municipalityPort}/fhir", Receiver = new ResourceReference { Identifier = new Identifier(OrgSystem, HomeCare) } }],
        };
        return new Bundle
        {
            Type = Bundle.BundleType.Message,
            Identifier = new Identifier(MessageRecords.MessageIdSystem, id),
            Entry = [new() { Resource = header }, new() { Resource = message }, new() { Resource = patient }, new() { Resource = referral }],
        };
    }

    private static async Task<Parameters> ReconciliationAsync(HttpClient client, string day) =>
        await (await client.GetAsync($"$message-reconciliation?organization={Hospital}&date={day}")).ExpectAsync<Parameters>(HttpStatusCode.OK);

    private static async Task<FhirTask> TrackingAsync(HttpClient client, string referral) =>
        (await SearchAsync<FhirTask>(client, $"Task?focus={referral}&code=http://hl7.org/fhir/CodeSystem/task-code|fulfill")).Single();

    private static async Task<Communication> CommunicationAsync(HttpClient client, string id) =>
        await (await client.GetAsync("Communication/" + id)).ExpectAsync<Communication>(HttpStatusCode.OK);

    private static async Task<Communication> WaitForStateAsync(HttpClient client, string id, string state)
    {
        Communication? last = null;
        await WaitForAsync(async () => MessageRecords.State(last = await CommunicationAsync(client, id)) == state, $"Communication/{id} to be {state}");
        return last!;
    }

    private static async System.Threading.Tasks.Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Waited 90 s for {what}.");
            await System.Threading.Tasks.Task.Delay(200);
        }
    }

    private static async Task<string> OrganisationAsync(HttpClient client, string number)
    {
        List<Organization> found = [];
        await WaitForAsync(async () => (found = await SearchAsync<Organization>(client, $"Organization?identifier={OrgSystem}|{number}")).Count > 0, $"organisation {number} (demo seeding)");
        return "Organization/" + found[0].Id;
    }

    private static async Task<T> CreateAsync<T>(HttpClient client, T resource)
        where T : Resource =>
        await (await client.PostAsync(resource.TypeName, FhirClientExtensions.Json(resource))).ExpectAsync<T>(HttpStatusCode.Created);

    private static async Task<List<T>> SearchAsync<T>(HttpClient client, string query)
        where T : Resource
    {
        var bundle = await (await client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Select(e => e.Resource).OfType<T>()];
    }

    private static string ValidOrganisationNumber(string prefix)
    {
        for (var i = 0; i < 10; i++)
        {
            if (OrganisationNumber.WithCheckDigit(prefix[..7] + i) is { } number)
            {
                return number;
            }
        }

        throw new InvalidOperationException("No valid organisation number with prefix " + prefix);
    }
}
