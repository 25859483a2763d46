using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Time.Testing;
using Samjournal.Clinical.Identifiers;
using Samjournal.Clinical.Messaging;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.WorkItems;
using Endpoint = Hl7.Fhir.Model.Endpoint;

namespace Samjournal.Tests.Messaging;

/// <summary>What messaging tests share: patients on a demo GP's list, receivers outside this record
/// with their directory entries, sending as a person, and running the delivery worker's passes.</summary>
public abstract class MessagingTestBase(SamjournalHost host, FakeTimeProvider time) : WorkItemTestBase(host, time)
{
    protected const string HomeCare = "310900303";
    protected const string FjordvikLegekontor = "310900508";
    protected const string FossumHpr = "91000501";

    private static int _nextOrganisation = Random.Shared.Next(10_000, 90_000);

    /// <summary>A patient with a valid synthetic fødselsnummer on Eirik Fossum's GP list, so he may write for them.</summary>
    protected async Task<(string Id, string Fnr)> GpPatientAsync(string family = "Lien")
    {
        var fnr = new SyntheticIdentityGenerator(Random.Shared.Next()).NextFodselsnummer(new DateOnly(1950 + Random.Shared.Next(40), 1 + Random.Shared.Next(12), 1 + Random.Shared.Next(28)), AdministrativeGender.Male);
        var patient = await PostAsync(new Patient
        {
            Identifier = [new Identifier(NorwegianSystems.Fodselsnummer, fnr)],
            Name = [new HumanName { Family = family, Given = ["Arne"] }],
            Gender = AdministrativeGender.Male,
            GeneralPractitioner = [new ResourceReference(await PractitionerAsync(FossumHpr)), new ResourceReference(await OrganisationAsync(FjordvikLegekontor))],
        });
        return (patient.Id!, fnr);
    }

    /// <summary>An organisation outside this record (its own system), with a fresh valid organisation number.</summary>
    protected async Task<(string Reference, string Number)> OutsideOrganisationAsync(string name)
    {
        string? number = null;
        while (number is null)
        {
            number = OrganisationNumber.WithCheckDigit("399" + Interlocked.Increment(ref _nextOrganisation).ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        }

        var created = await PostAsync(new Organization { Identifier = [new Identifier(OrganisationSystem, number)], Name = name, Active = true });
        return ("Organization/" + created.Id, number);
    }

    protected async Task<Endpoint> RegisterEndpointAsync(string organisation, string address, params string[] types) =>
        await PostAsync(new Endpoint
        {
            Status = Endpoint.EndpointStatus.Active,
            ConnectionType = new Coding(MessageRecords.ConnectionTypeSystem, MessageRecords.FhirMessagingChannel),
            ManagingOrganization = new ResourceReference(organisation),
            PayloadType = types.Select(t => new CodeableConcept(MessageTypes.System, t)).ToList(),
            Address = address,
        });

    protected static Communication Message(string type, string patient, string receiver, DataType content) => new()
    {
        Status = EventStatus.Preparation,
        Category = [new CodeableConcept(MessageTypes.System, type)],
        Subject = new ResourceReference("Patient/" + patient),
        Recipient = [new ResourceReference(receiver)],
        Payload = [new Communication.PayloadComponent { Content = content }],
    };

    protected static ServiceRequest Referral(string patient, string what) => new()
    {
        Status = RequestStatus.Active,
        Intent = RequestIntent.Order,
        Subject = new ResourceReference("Patient/" + patient),
        Code = new CodeableConcept { Text = what },
        ReasonCode = [new CodeableConcept { Text = "Trenger oppfølging hjemme" }],
    };

    /// <summary>Sends a referral the way a client does: the ServiceRequest and its message in one transaction.</summary>
    protected static async Task<HttpResponseMessage> SendReferralAsync(HttpClient client, string patient, string receiver, string what = "Hjemmesykepleie")
    {
        var referral = new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = Referral(patient, what),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest" },
        };
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                referral,
                new()
                {
                    FullUrl = "urn:uuid:" + Guid.NewGuid(),
                    Resource = Message(MessageTypes.Referral, patient, receiver, new ResourceReference(referral.FullUrl)),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Communication" },
                },
            ],
        };
        return await client.PostAsync("", FhirClientExtensions.Json(bundle));
    }

    /// <summary>The Communication id a transaction from <see cref="SendReferralAsync"/> created, and the ServiceRequest's.</summary>
    protected static async Task<(string Referral, string Message)> SentAsync(HttpResponseMessage response)
    {
        var bundle = await response.ExpectAsync<Bundle>(HttpStatusCode.OK);
        return (bundle.Entry[0].Response.Location.Split("/_history")[0], bundle.Entry[1].Response.Location.Split('/')[1]);
    }

    protected Task<DeliveryPass> DeliverAsync() => Host.Services.GetRequiredService<MessageDelivery>().RunOnceAsync(CancellationToken.None);

    protected async Task<Communication> CommunicationAsync(string id) =>
        await (await Client.GetAsync("Communication/" + id)).ExpectAsync<Communication>(HttpStatusCode.OK);

    protected async Task<List<T>> SearchAsync<T>(string query)
        where T : Resource
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return [.. bundle.Entry.Select(e => e.Resource).OfType<T>()];
    }
}
