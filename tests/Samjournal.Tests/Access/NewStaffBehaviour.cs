using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Tests.Infrastructure;

namespace Samjournal.Tests.Access;

/// <summary>A member of staff who signs in before the record knows them sees nothing, and sees
/// their patients the moment they are registered: "not found" is never remembered.</summary>
public abstract class NewStaffBehaviour(SamjournalHost host) : AccessTestBase(host)
{
    [Fact]
    public async Task Staff_registered_after_their_first_request_get_access_at_once()
    {
        var patient = await CreateAsync(NewPatient());
        using var doctor = await Host.ClientForAsync("haugen");
        await (await doctor.GetAsync($"Patient/{patient.Id}")).ExpectOutcomeAsync(HttpStatusCode.Forbidden);

        var practitioner = await PostAsync(new Practitioner { Identifier = [new Identifier(HprSystem, "9100101")] });
        await PostAsync(new CareTeam
        {
            Status = CareTeam.CareTeamStatus.Active,
            Subject = new ResourceReference("Patient/" + patient.Id),
            Participant = [new CareTeam.ParticipantComponent { Member = new ResourceReference("Practitioner/" + practitioner.Id) }],
        });

        (await doctor.GetAsync($"Patient/{patient.Id}")).EnsureSuccessStatusCode();
    }
}

public sealed class NewStaffOnSqlite(SqliteHost host) : NewStaffBehaviour(host), IClassFixture<SqliteHost>;

public sealed class NewStaffOnPostgres(PostgresHost host) : NewStaffBehaviour(host), IClassFixture<PostgresHost>;
