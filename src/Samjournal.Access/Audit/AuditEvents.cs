using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Audit;

/// <summary>
/// An audit record as a FHIR AuditEvent, shaped after IHE Basic Audit Log Patterns (BALP):
/// RESTful operation with the interaction as subtype, the person as requesting agent with their
/// HPR number, the patient and the data as entities, and the legal basis as purpose of event.
/// </summary>
internal static class AuditEvents
{
    private const string HprSystem = "urn:oid:2.16.578.1.12.4.1.4.4";
    private const string OrganisationSystem = "urn:oid:2.16.578.1.12.4.1.4.101";
    private const string BasisSystem = "https://samjournal.no/fhir/CodeSystem/legal-basis";

    public static AuditEvent From(StoredAuditRow stored, string? patientId)
    {
        var row = stored.Row;
        var audit = new AuditEvent
        {
            Id = stored.Seq.ToString(CultureInfo.InvariantCulture),
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", row.Interaction)],
            Action = row.Action switch
            {
                "C" => AuditEvent.AuditEventAction.C,
                "U" => AuditEvent.AuditEventAction.U,
                "D" => AuditEvent.AuditEventAction.D,
                "E" => AuditEvent.AuditEventAction.E,
                _ => AuditEvent.AuditEventAction.R,
            },
            Recorded = row.Recorded,
            Outcome = row.Outcome switch
            {
                0 => AuditEvent.AuditEventOutcome.N0,
                1 => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = row.Detail,
            PurposeOfEvent = [new CodeableConcept(BasisSystem, row.Basis, row.Basis)],
            Source = new AuditEvent.SourceComponent { Observer = new ResourceReference { Display = "Samjournal" } },
        };

        var agent = new AuditEvent.AgentComponent
        {
            Requestor = true,
            Name = row.ActorName,
            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/extra-security-role-type", row.ActorKind == "system" ? "dataprocessor" : "humanuser"),
            Who = new ResourceReference
            {
                Identifier = row.ActorHpr is null ? new Identifier("urn:samjournal:subject", row.ActorSubject) : new Identifier(HprSystem, row.ActorHpr),
                Display = row.ActorName,
            },
            PurposeOfUse = [new CodeableConcept(null, null, row.Purpose)],
        };
        if (row.ActorRole is not null)
        {
            agent.Role = [new CodeableConcept("https://samjournal.no/fhir/CodeSystem/staff-role", row.ActorRole)];
        }

        audit.Agent.Add(agent);
        if (row.ActorOrganisation is not null || row.ActorUnit is not null)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Requestor = false,
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-RoleClass", "PROV", "healthcare provider"),
                Who = new ResourceReference { Identifier = new Identifier(OrganisationSystem, row.ActorUnit ?? row.ActorOrganisation) },
            });
        }

        if (patientId is not null)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference("Patient/" + patientId),
                Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"),
            });
        }

        var data = new AuditEvent.EntityComponent { Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", row.Interaction.StartsWith("search", StringComparison.Ordinal) ? "24" : "4") };
        if (row.What.Contains('?', StringComparison.Ordinal) || row.What.Contains(' ', StringComparison.Ordinal))
        {
            data.Query = Encoding.UTF8.GetBytes(row.What);
        }
        else
        {
            data.What = new ResourceReference(row.What);
        }

        audit.Entity.Add(data);
        return audit;
    }
}
