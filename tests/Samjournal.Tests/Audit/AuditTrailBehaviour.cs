using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;
using Samjournal.Tests.Rest;

namespace Samjournal.Tests.Audit;

/// <summary>
/// Every read, search and write of patient data leaves an audit record the patient can read, in
/// the same transaction as a write; the trail is append-only and its hash chain exposes one
/// changed byte, a removed record and records swapped.
/// </summary>
public abstract class AuditTrailBehaviour(SamjournalHost host) : RestTestBase(host)
{
    [Fact]
    public async Task Reading_and_searching_a_record_shows_in_the_patients_access_log()
    {
        var patient = await CreateAsync(NewPatient());
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4"),
            Subject = new ResourceReference("Patient/" + patient.Id),
        };
        var created = await (await Client.PostAsync("Observation", FhirClientExtensions.Json(observation))).ExpectAsync<Observation>(HttpStatusCode.Created);
        (await Client.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        (await Client.GetAsync($"Observation?subject=Patient/{patient.Id}&code=8867-4")).EnsureSuccessStatusCode();
        (await Client.GetAsync($"Patient/{patient.Id}/$everything")).EnsureSuccessStatusCode();

        var log = await AccessLogAsync(patient.Id);
        var seen = log.Select(a => (a.Subtype[0].Code, What: a.Entity.Last().What?.Reference ?? System.Text.Encoding.UTF8.GetString(a.Entity.Last().Query))).ToList();
        Assert.Contains(("create", $"Patient/{patient.Id}/_history/1"), seen);
        Assert.Contains(("create", $"Observation/{created.Id}/_history/1"), seen);
        Assert.Contains(("read", $"Patient/{patient.Id}"), seen);
        Assert.Contains(("search-type", $"Observation?subject=Patient/{patient.Id}&code=8867-4"), seen);
        Assert.Contains(("operation", $"Patient/{patient.Id}/$everything"), seen);
        Assert.All(log, a => Assert.Equal("Patient/" + patient.Id, a.Entity[0].What.Reference));

        // Newest first: the $everything came last.
        Assert.Equal("operation", log[0].Subtype[0].Code);
        Assert.All(log, a => Assert.True(a.Agent[0].Requestor));
    }

    [Fact]
    public async Task A_search_that_disclosed_nothing_of_a_patient_is_not_in_their_log()
    {
        var patient = await CreateAsync(NewPatient());
        var other = await CreateAsync(NewPatient());
        (await Client.GetAsync($"Patient?_id={other.Id}")).EnsureSuccessStatusCode();

        var log = await AccessLogAsync(patient.Id);
        Assert.DoesNotContain(log, a => a.Subtype[0].Code == "search-type");
    }

    [Fact]
    public async Task A_write_that_rolls_back_leaves_no_audit_record()
    {
        var patient = await CreateAsync(NewPatient());
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    Resource = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"), Subject = new ResourceReference("Patient/" + patient.Id) },
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
                },
                new Bundle.EntryComponent
                {
                    Resource = new Observation { Id = "x1", Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "8867-4"), Subject = new ResourceReference("Patient/" + patient.Id) },
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Observation/x1", IfMatch = "W/\"7\"" },
                },
            ],
        };
        var before = await AccessLogAsync(patient.Id);
        await (await Client.PostAsync("", FhirClientExtensions.Json(transaction))).ExpectOutcomeAsync(HttpStatusCode.PreconditionFailed);
        var after = await AccessLogAsync(patient.Id);
        Assert.Equal(before.Count, after.Count);
    }

    [Fact]
    public async Task The_chain_verifies_after_activity_and_links_every_record()
    {
        var patient = await CreateAsync(NewPatient());
        for (var i = 0; i < 5; i++)
        {
            (await Client.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        }

        var verdict = await VerifyAsync(Client);
        for (var attempt = 0; attempt < 100 && Number(verdict, "linked") < 6; attempt++)
        {
            // On PostgreSQL linking waits for older transactions anywhere in the cluster to end.
            await System.Threading.Tasks.Task.Delay(100);
            verdict = await VerifyAsync(Client);
        }

        Assert.True(Flag(verdict, "intact"), Text(verdict, "problem"));
        Assert.True(Number(verdict, "linked") >= 6);
        Assert.Equal(Number(verdict, "linked"), Number(verdict, "headPosition"));
    }

    [Fact]
    public async Task The_audit_tables_refuse_update_and_delete()
    {
        var patient = await CreateAsync(NewPatient());
        await VerifyAsync(Client);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => RawDatabase.ExecuteAsync(Host, "UPDATE audit_log SET what = 'x'"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => RawDatabase.ExecuteAsync(Host, "DELETE FROM audit_log"));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => RawDatabase.ExecuteAsync(Host, "DELETE FROM audit_chain WHERE pos > 0"));
        if (Host is PostgresHost)
        {
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => RawDatabase.ExecuteAsync(Host, "TRUNCATE audit_log, audit_chain"));
        }
        Assert.NotEmpty(await AccessLogAsync(patient.Id));
    }

    [Fact]
    public async Task Verification_finds_one_changed_byte_a_removed_record_and_swapped_records()
    {
        // Its own host: the tampering here breaks the chain for good.
        var tampered = await NewHostAsync();
        try
        {
            await TamperAndVerifyAsync(tampered);
        }
        finally
        {
            await tampered.DisposeAsync();
        }
    }

    private static async Task TamperAndVerifyAsync(SamjournalHost tampered)
    {
        var client = tampered.Client;
        var patient = await (await client.PostAsync("Patient", FhirClientExtensions.Json(NewPatient()))).ExpectAsync<Patient>(HttpStatusCode.Created);
        for (var i = 0; i < 6; i++)
        {
            (await client.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
        }

        // On PostgreSQL a record is linked once every older transaction in the cluster has ended.
        var ready = await VerifyAsync(client);
        for (var attempt = 0; attempt < 100 && Number(ready, "linked") < 7; attempt++)
        {
            await System.Threading.Tasks.Task.Delay(100);
            ready = await VerifyAsync(client);
        }

        Assert.True(Flag(ready, "intact"));
        Assert.True(Number(ready, "linked") >= 7);
        await RawDatabase.DropAppendOnlyGuardsAsync(tampered);
        var third = Convert.ToInt64(await RawDatabase.ScalarAsync(tampered, "SELECT seq FROM audit_chain WHERE pos = 3"), System.Globalization.CultureInfo.InvariantCulture);
        var fourth = Convert.ToInt64(await RawDatabase.ScalarAsync(tampered, "SELECT seq FROM audit_chain WHERE pos = 4"), System.Globalization.CultureInfo.InvariantCulture);
        var original = (string)(await RawDatabase.ScalarAsync(tampered, $"SELECT what FROM audit_log WHERE seq = {third}"))!;

        // One byte: the last character of what was read.
        var changed = original[..^1] + (char)(original[^1] ^ 1);
        await RawDatabase.ExecuteAsync(tampered, $"UPDATE audit_log SET what = '{changed}' WHERE seq = {third}");
        var verdict = await VerifyAsync(client);
        Assert.False(Flag(verdict, "intact"));
        Assert.Equal(3, Number(verdict, "brokenAt"));

        await RawDatabase.ExecuteAsync(tampered, $"UPDATE audit_log SET what = '{original}' WHERE seq = {third}");
        Assert.True(Flag(await VerifyAsync(client), "intact"));

        // Swapped: records 3 and 4 trade places in the chain.
        await RawDatabase.ExecuteAsync(tampered, $"UPDATE audit_chain SET seq = -1 WHERE pos = 3; UPDATE audit_chain SET seq = {third} WHERE pos = 4; UPDATE audit_chain SET seq = {fourth} WHERE pos = 3;");
        verdict = await VerifyAsync(client);
        Assert.False(Flag(verdict, "intact"));
        Assert.Equal(3, Number(verdict, "brokenAt"));
        await RawDatabase.ExecuteAsync(tampered, $"UPDATE audit_chain SET seq = -1 WHERE pos = 3; UPDATE audit_chain SET seq = {fourth} WHERE pos = 4; UPDATE audit_chain SET seq = {third} WHERE pos = 3;");
        Assert.True(Flag(await VerifyAsync(client), "intact"), Text(await VerifyAsync(client), "problem"));

        // Removed: the record, and then also its link.
        await RawDatabase.ExecuteAsync(tampered, $"DELETE FROM audit_log WHERE seq = {fourth}");
        verdict = await VerifyAsync(client);
        Assert.False(Flag(verdict, "intact"));
        Assert.Equal(4, Number(verdict, "brokenAt"));
        await RawDatabase.ExecuteAsync(tampered, "DELETE FROM audit_chain WHERE pos = 4");
        verdict = await VerifyAsync(client);
        Assert.False(Flag(verdict, "intact"));
        Assert.Equal(4, Number(verdict, "brokenAt"));
    }

    [Fact]
    public async Task A_request_without_a_valid_token_is_refused_and_audited_as_a_denial()
    {
        var before = Convert.ToInt64(await RawDatabase.ScalarAsync(Host, "SELECT COUNT(*) FROM audit_log WHERE outcome = 1"), System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = Host.AuthorizedClient(null);
        await (await anonymous.GetAsync("Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|01818012345")).ExpectOutcomeAsync(HttpStatusCode.Unauthorized);

        await using var connection = await RawDatabase.OpenAsync(Host);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT actor_kind, what, basis FROM audit_log WHERE outcome = 1 ORDER BY seq DESC";
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("anonymous", reader.GetString(0));
        // The path only: a query string may hold a fødselsnummer.
        Assert.Equal("GET /fhir/Patient", reader.GetString(1));
        var after = Convert.ToInt64(await RawDatabase.ScalarAsync(Host, "SELECT COUNT(*) FROM audit_log WHERE outcome = 1"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(before + 1, after);
    }

    protected abstract Task<SamjournalHost> NewHostAsync();

    private async Task<List<AuditEvent>> AccessLogAsync(string patientId)
    {
        var bundle = await (await Client.GetAsync($"Patient/{patientId}/$access-log?_count=500")).ExpectAsync<Bundle>(HttpStatusCode.OK);
        return bundle.Entry.Select(e => e.Resource).OfType<AuditEvent>().ToList();
    }

    private static async Task<Parameters> VerifyAsync(HttpClient client) =>
        await (await client.PostAsync("$verify-audit-trail", null)).ExpectAsync<Parameters>(HttpStatusCode.OK);

    private static bool Flag(Parameters parameters, string name) => ((FhirBoolean)parameters.GetSingleValue<DataType>(name)).Value == true;

    private static long? Number(Parameters parameters, string name) => parameters.GetSingleValue<DataType>(name) switch
    {
        Integer i => i.Value,
        FhirDecimal d => (long?)d.Value,
        _ => null,
    };

    private static string? Text(Parameters parameters, string name) => (parameters.GetSingleValue<DataType>(name) as FhirString)?.Value;
}

public sealed class AuditTrailOnSqlite(SqliteHost host) : AuditTrailBehaviour(host), IClassFixture<SqliteHost>
{
    protected override async Task<SamjournalHost> NewHostAsync()
    {
        var host = new SqliteHost();
        await host.InitializeAsync();
        return host;
    }
}

public sealed class AuditTrailOnPostgres(PostgresHost host) : AuditTrailBehaviour(host), IClassFixture<PostgresHost>
{
    /// <summary>A transaction that began before others but commits after them: while it is open,
    /// nothing newer is linked (it could still land before them in the chain's order); once it
    /// commits, it is linked in its place and the chain holds. Nothing slips in behind the chain.</summary>
    [Fact]
    public async Task A_record_that_commits_late_takes_its_place_and_the_chain_holds()
    {
        await using var late = (Npgsql.NpgsqlConnection)await RawDatabase.OpenAsync(Host);
        await using var tx = await late.BeginTransactionAsync();
        // Recorded now: a record dated 1970 would count as slipped in around the chain (older than the
        // chainer's delay and unlinked) whenever another database's transaction on the shared test
        // cluster holds the chain back for a moment, which made this test fail on a busy CI.
        var now = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        await using (var insert = new Npgsql.NpgsqlCommand(
            $"INSERT INTO audit_log (recorded_us, actor_kind, actor_subject, purpose, action, interaction, what, basis, outcome) VALUES ({now}, 'system', 'late-writer', 'test', 'R', 'read', 'Patient/late', 'system', 0) RETURNING seq", late, tx))
        {
            var seq = (long)(await insert.ExecuteScalarAsync())!;
            var patient = await CreateAsync(NewPatient());
            (await Client.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
            var open = await (await Client.PostAsync("$verify-audit-trail", null)).ExpectAsync<Parameters>(HttpStatusCode.OK);
            Assert.True(((FhirBoolean)open.GetSingleValue<DataType>("intact")).Value);
            Assert.True(((Integer)open.GetSingleValue<DataType>("pending")).Value >= 2);
            Assert.Null(await RawDatabase.ScalarAsync(Host, $"SELECT pos FROM audit_chain WHERE seq = {seq}"));
            await tx.CommitAsync();

            // Transaction ids are cluster-wide: another database's open transaction also holds the
            // chain back for a moment, so wait until the late record is linked.
            object? linked = null;
            for (var attempt = 0; attempt < 100 && linked is null; attempt++)
            {
                var closed = await (await Client.PostAsync("$verify-audit-trail", null)).ExpectAsync<Parameters>(HttpStatusCode.OK);
                Assert.True(((FhirBoolean)closed.GetSingleValue<DataType>("intact")).Value);
                linked = await RawDatabase.ScalarAsync(Host, $"SELECT pos FROM audit_chain WHERE seq = {seq}");
                if (linked is null)
                {
                    await System.Threading.Tasks.Task.Delay(100);
                }
            }

            Assert.NotNull(linked);
            var position = Convert.ToInt64(linked, System.Globalization.CultureInfo.InvariantCulture);
            var read = Convert.ToInt64(await RawDatabase.ScalarAsync(Host, $"SELECT c.pos FROM audit_chain c JOIN audit_log a ON a.seq = c.seq WHERE a.what = 'Patient/{patient.Id}'"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(position < read);
        }
    }

    protected override async Task<SamjournalHost> NewHostAsync()
    {
        var host = new PostgresHost();
        await host.InitializeAsync();
        return host;
    }
}
