using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace Samjournal.Bench;

/// <summary>
/// <c>--as-staff</c>: the queries run as demo doctor <c>haugen</c> (Medisinsk sengepost) instead of
/// the system client, so each one pays for the access policy in SQL (care relations, blocks) and the
/// per-patient basis of its audit records. The benchmark server has no demo seed, so the hospital, the unit and
/// the doctor are created here, and an active CareTeam of the unit is put on every loaded patient.
/// </summary>
internal static class StaffAccess
{
    public const string Username = "haugen";
    private const string HospitalNumber = "310900109";
    private const string UnitNumber = "310900117";
    private const string Hpr = "9100101";

    private static readonly FhirJsonSerializer Serializer = new();

    public static async System.Threading.Tasks.Task PrepareAsync(HttpClient http, string baseUrl, IReadOnlyList<string> patientIds)
    {
        // The hospital too: the doctor's token names it as her legal organisation, and a production
        // directory has it. Without it the server looked it up again on every request (a miss is not
        // cached, so an organisation registered a moment ago is found at once).
        var hospital = await CreateAsync(http, baseUrl, new Organization
        {
            Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.101", HospitalNumber)],
            Name = "Nidaros universitetssykehus HF",
        });
        var unit = await CreateAsync(http, baseUrl, new Organization
        {
            Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.101", UnitNumber)],
            Name = "Medisinsk sengepost",
            PartOf = new ResourceReference("Organization/" + hospital),
        });
        await CreateAsync(http, baseUrl, new Practitioner { Identifier = [new Identifier("urn:oid:2.16.578.1.12.4.1.4.4", Hpr)] });
        foreach (var chunk in patientIds.Chunk(500))
        {
            var bundle = new Bundle { Type = Bundle.BundleType.Batch };
            foreach (var patient in chunk)
            {
                bundle.Entry.Add(new Bundle.EntryComponent
                {
                    Resource = new CareTeam
                    {
                        Status = CareTeam.CareTeamStatus.Active,
                        Subject = new ResourceReference("Patient/" + patient),
                        Participant = [new CareTeam.ParticipantComponent { Member = new ResourceReference("Organization/" + unit) }],
                    },
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "CareTeam" },
                });
            }

            using var response = await http.PostAsync($"{baseUrl}/fhir", Json(bundle));
            response.EnsureSuccessStatusCode();
        }
    }

    private static async Task<string> CreateAsync(HttpClient http, string baseUrl, Resource resource)
    {
        using var response = await http.PostAsync($"{baseUrl}/fhir/{resource.TypeName}", Json(resource));
        response.EnsureSuccessStatusCode();
        return response.Headers.Location!.ToString().Split("/_history")[0].Split('/')[^1];
    }

    private static StringContent Json(Resource resource) => new(Serializer.SerializeToString(resource), Encoding.UTF8, "application/fhir+json");
}
