using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Audit;
using Samjournal.Tests.Conformance;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Access;

/// <summary>
/// The generated access matrix: every kind of caller against one patient's record over every read
/// path (read, vread, history, search, compartment search, _include, _revinclude, chain, _has,
/// $everything, batch GET). What each caller may see is stated here from the rules, not asked of
/// the code: it must see exactly that, nothing more, and every attempt leaves an audit record.
/// </summary>
public abstract class AccessMatrixBehaviour(SamjournalHost host) : AccessTestBase(host)
{

    /// <summary>The record: P, its open ward Encounter E, a result O in E, a Condition C and a document D.
    /// D is blocked against the ward doctor haugen.</summary>
    private sealed record RecordIds(string P, string E, string O, string C, string D);

    /// <summary>Who sees which of P, E, O, C, D.</summary>
    public static TheoryData<string, string> Callers => new()
    {
        { "strand", "PEOCD" },       // nurse on the ward: care relation through the open encounter
        { "haugen", "PEOC" },        // doctor on the ward, but D is blocked against her
        { "eide", "P" },             // secretary at the GP office on the patient's GP list: demographics only
        { "berg", "" },              // doctor on another ward: no relation
        { "fossum", "PEOCD" },       // GP on the patient's GP list
        { "emma.odegard", "" },      // another citizen
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task A_caller_sees_exactly_what_the_rules_allow_on_every_path_and_every_attempt_is_audited(string username, string visible)
    {
        var record = await RecordAsync();
        using var client = await Host.ClientForAsync(username, username.Contains('.', StringComparison.Ordinal) ? "patient/*.rs" : "user/*.cruds");
        var resources = new (char Key, string Type, string Id)[]
        {
            ('P', "Patient", record.P), ('E', "Encounter", record.E), ('O', "Observation", record.O), ('C', "Condition", record.C), ('D', "DocumentReference", record.D),
        };
        bool Sees(char key) => visible.Contains(key, StringComparison.Ordinal);
        var disclosures = new List<string>();
        var attempts = 0;
        var auditedBefore = await AuditCountAsync();

        async Task<HttpResponseMessage> GetAsync(string url)
        {
            attempts++;
            return await client.GetAsync(url);
        }

        foreach (var (key, type, id) in resources)
        {
            var read = await GetAsync($"{type}/{id}");
            Assert.Equal(Sees(key) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, read.StatusCode);
            var vread = await GetAsync($"{type}/{id}/_history/1");
            Assert.Equal(Sees(key) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, vread.StatusCode);
            Check(disclosures, key, Sees, await IdsAsync(await GetAsync($"{type}/{id}/_history")), id, $"history of {type}");
            Check(disclosures, key, Sees, await IdsAsync(await GetAsync($"{type}?_id={id}")), id, $"search {type}");
            if (type != "Patient")
            {
                Check(disclosures, key, Sees, await IdsAsync(await GetAsync($"Patient/{record.P}/{type}")), id, $"compartment search {type}");
                Check(disclosures, 'P', Sees, await IdsAsync(await GetAsync($"{type}?_id={id}&_include=*")), record.P, $"_include from {type}", only: Sees(key));
                Check(disclosures, key, Sees, await IdsAsync(await GetAsync($"Patient?_id={record.P}&_revinclude={type}:subject")), id, $"_revinclude {type}");
                Check(disclosures, key, Sees, await IdsAsync(await GetAsync($"{type}?subject:Patient._id={record.P}")), id, $"chain {type}");

                // _has answers with P, but tells of the resource behind it: P may come back only when both are visible.
                var has = await IdsAsync(await GetAsync($"Patient?_has:{type}:subject:_id={id}"));
                if (has.Contains(record.P) && !Sees(key))
                {
                    disclosures.Add($"{key} revealed by _has");
                }

                Assert.False(!has.Contains(record.P) && Sees(key) && Sees('P'), $"_has {type} should find P");
            }

            var batch = new Bundle { Type = Bundle.BundleType.Batch, Entry = [new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"{type}/{id}" } }] };
            attempts++;
            var batchResponse = await (await client.PostAsync("", FhirClientExtensions.Json(batch))).ExpectAsync<Bundle>(HttpStatusCode.OK);
            Assert.StartsWith(Sees(key) ? "200" : "403", batchResponse.Entry[0].Response.Status, StringComparison.Ordinal);
        }

        var everything = await GetAsync($"Patient/{record.P}/$everything");
        if (!Sees('P'))
        {
            Assert.Equal(HttpStatusCode.Forbidden, everything.StatusCode);
        }
        else
        {
            var ids = await IdsAsync(everything);
            foreach (var (key, _, id) in resources)
            {
                Check(disclosures, key, Sees, ids, id, "$everything");
            }
        }

        Assert.Empty(disclosures);

        // Every attempt left at least one audit record (tests of a class run one at a time on its database).
        var audited = await AuditCountAsync() - auditedBefore;
        Assert.True(audited >= attempts, $"{audited} audit records for {attempts} attempts by {username}");
    }

    private async Task<long> AuditCountAsync() =>
        Convert.ToInt64(await RawDatabase.ScalarAsync(Host, "SELECT COUNT(*) FROM audit_log"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A disclosure is a resource that appears where the caller may not see it; a resource the
    /// caller may see must appear where the path leads to it.</summary>
    private static void Check(List<string> disclosures, char key, Func<char, bool> sees, IReadOnlyCollection<string> shown, string id, string path, bool only = true)
    {
        var present = shown.Contains(id);
        if (present && !sees(key))
        {
            disclosures.Add($"{key} disclosed by {path}");
        }

        Assert.False(!present && sees(key) && only, $"{key} missing from {path}, which should show it");
    }

    private static async Task<IReadOnlyCollection<string>> IdsAsync(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return [];
        }

        var bundle = await response.ExpectAsync<Bundle>(HttpStatusCode.OK);
        return bundle.Entry.Where(e => e.Resource is not OperationOutcome).Select(e => e.Resource.Id!).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<RecordIds> RecordAsync()
    {
        var office = await OrganisationAsync("310900508");
        var gp = await IdOfAsync($"Practitioner?identifier={HprSystem}|91000501");
        var patient = NewPatient();
        patient.GeneralPractitioner = [new ResourceReference("Practitioner/" + gp), new ResourceReference(office)];
        var p = (await CreateAsync(patient)).Id;
        var e = (await PostAsync(new Encounter
        {
            Status = Encounter.EncounterStatus.InProgress,
            Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP"),
            Subject = new ResourceReference("Patient/" + p),
            ServiceProvider = new ResourceReference(await OrganisationAsync("310900117")),
        })).Id;
        var o = (await PostAsync(new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "15074-8"),
            Subject = new ResourceReference("Patient/" + p),
            Encounter = new ResourceReference("Encounter/" + e),
        })).Id;
        var c = (await PostAsync(new Condition { Code = new CodeableConcept("http://snomed.info/sct", "38341003"), Subject = new ResourceReference("Patient/" + p) })).Id;
        var d = (await PostAsync(new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Subject = new ResourceReference("Patient/" + p),
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/plain", Data = "Note"u8.ToArray() } }],
        })).Id;
        await PostAsync(new Consent
        {
            Status = Consent.ConsentState.Active,
            Scope = new CodeableConcept("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
            Category = [new CodeableConcept("http://loinc.org", "59284-0")],
            Patient = new ResourceReference("Patient/" + p),
            Provision = new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Deny,
                Actor = [new Consent.provisionActorComponent
                {
                    Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    Reference = new ResourceReference("Practitioner/" + await IdOfAsync($"Practitioner?identifier={HprSystem}|9100101")),
                }],
                Data = [new Consent.provisionDataComponent { Meaning = Consent.ConsentDataMeaning.Instance, Reference = new ResourceReference("DocumentReference/" + d) }],
            },
        });
        return new RecordIds(p, e, o, c, d);
    }

}

public sealed class AccessMatrixOnSqlite(SeededSqliteHost host) : AccessMatrixBehaviour(host), IClassFixture<SeededSqliteHost>;

public sealed class AccessMatrixOnPostgres(SeededPostgresHost host) : AccessMatrixBehaviour(host), IClassFixture<SeededPostgresHost>;
