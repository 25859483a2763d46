using Hl7.Fhir.Model;
using Samjournal.Fhir.Policy;

namespace Samjournal.Access.Policy;

/// <summary>
/// Which resources make a care relation (helsepersonelloven § 21a: access needs a need in the
/// patient's care), to whom, and until when. Kept at write time like a search index:
/// <list type="bullet">
/// <item>an open Encounter: its service provider (the unit) and participants;</item>
/// <item>an active EpisodeOfCare: its managing organisation and care manager;</item>
/// <item>an active CareTeam: its members and managing organisation;</item>
/// <item>an accepted referral (a Task on a ServiceRequest, or coded as referral): its owner;</item>
/// <item>the patient's GP list (Patient.generalPractitioner): the GP and the GP office;</item>
/// <item>emergency access (a Task coded emergency-access): its requester, for its period only.</item>
/// </list>
/// When a relation ends (encounter finished, team inactive), access lasts the grace period more,
/// so the discharge letter can still be written.
/// </summary>
internal sealed class CareRelationRules(AccessOptions options) : ICareRelationRules
{
    public const string TaskCodeSystem = "https://samjournal.no/fhir/CodeSystem/task-code";
    public const string EmergencyAccessCode = "emergency-access";
    public const string ReferralCode = "referral";

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "Encounter", "EpisodeOfCare", "CareTeam", "Task", "Patient" };

    public bool Applies(string type) => Types.Contains(type);

    public IReadOnlyList<CareRelation> RelationsOf(Resource resource) => resource switch
    {
        Encounter e => FromEncounter(e),
        EpisodeOfCare e => FromEpisode(e),
        CareTeam t => FromCareTeam(t),
        Hl7.Fhir.Model.Task t => FromTask(t),
        Patient p => Grant(p.GeneralPractitioner, "gp-list", DateTimeOffset.MinValue, DateTimeOffset.MaxValue),
        _ => [],
    };

    /// <summary>
    /// A block (sperring) is an active Consent that denies: its recipient actors (staff, roles,
    /// units, organisations) may not see the data it names, nor what refers to that data, nor the
    /// Consent itself (a block should not announce what it hides). An actor in the role of author
    /// or custodian (v3 ParticipationType <c>AUT</c>, <c>CST</c>) names a source instead: every
    /// entry from that organisation, within provision.dataPeriod when given, and with no end also
    /// the entries it makes later.
    /// </summary>
    public IReadOnlyList<RecordBlock> BlocksOf(Resource resource)
    {
        if (resource is not Consent { Status: Consent.ConsentState.Active, Provision: { Type: Consent.ConsentProvisionType.Deny } provision } consent)
        {
            return [];
        }

        var targets = provision.Actor.Where(a => !IsSourceRole(a.Role)).Select(a => Grantee(a.Reference?.Reference)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var sources = provision.Actor.Where(a => IsSourceRole(a.Role)).Select(a => Grantee(a.Reference?.Reference))
            .OfType<string>().Where(g => g.StartsWith("Organization/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var items = provision.Data
            .Select(d => d.Reference?.Reference?.Split('/'))
            .Where(parts => parts is { Length: >= 2 })
            .Select(parts => (Type: parts![^2], Id: parts[^1]))
            .Append((Type: "Consent", Id: consent.Id ?? ""))
            .Distinct()
            .ToList();
        var from = provision.DataPeriod?.StartElement?.ToDateTimeOffset(TimeSpan.Zero);
        var until = provision.DataPeriod?.EndElement?.ToDateTimeOffset(TimeSpan.Zero);
        return
        [
            .. targets.SelectMany(t => items.Select(i => new RecordBlock(t, i.Type, i.Id))),
            .. targets.SelectMany(t => sources.Select(source => new RecordBlock(t, RecordBlock.Source, source) { DataFrom = from, DataUntil = until })),
        ];
    }

    public const string ParticipationSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private static bool IsSourceRole(CodeableConcept? role) =>
        role?.Coding.Any(c => c.System == ParticipationSystem && c.Code is "AUT" or "CST") == true;

    /// <summary>
    /// The organisations an entry names as its maker. The writer's own unit and organisation are
    /// added by the store from the signed-in caller; these cover what systems and imports write
    /// (a lab's report, a hospital's encounter sent to the GP).
    /// </summary>
    public IReadOnlyList<string> SourcesOf(Resource resource)
    {
        IEnumerable<ResourceReference?> makers = resource switch
        {
            Encounter e => [e.ServiceProvider],
            EpisodeOfCare e => [e.ManagingOrganization],
            Composition c => [c.Custodian, .. c.Author],
            DocumentReference d => [d.Custodian, .. d.Author],
            DiagnosticReport r => r.Performer,
            Observation o => o.Performer,
            Procedure p => p.Performer.SelectMany(x => new[] { x.Actor, x.OnBehalfOf }),
            MedicationRequest m => [m.Requester, m.Performer],
            MedicationStatement m => [m.InformationSource],
            Immunization i => i.Performer.Select(x => x.Actor),
            ServiceRequest r => [r.Requester],
            CarePlan c => [c.Author],
            Communication c => [c.Sender],
            Condition c => [c.Recorder, c.Asserter],
            AllergyIntolerance a => [a.Recorder, a.Asserter],
            _ => [],
        };
        return [.. makers.Select(m => Grantee(m?.Reference)).OfType<string>().Where(g => g.StartsWith("Organization/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];
    }

    private List<CareRelation> FromEncounter(Encounter encounter)
    {
        var until = encounter.Status switch
        {
            Encounter.EncounterStatus.Planned or Encounter.EncounterStatus.Arrived or Encounter.EncounterStatus.Triaged
                or Encounter.EncounterStatus.InProgress or Encounter.EncounterStatus.Onleave => DateTimeOffset.MaxValue,
            Encounter.EncounterStatus.Finished => Ended(encounter.Period?.EndElement),
            _ => (DateTimeOffset?)null,
        };
        if (until is null)
        {
            return [];
        }

        var grantees = new List<ResourceReference?> { encounter.ServiceProvider };
        grantees.AddRange(encounter.Participant.Select(p => p.Individual));
        return Grant(grantees, "encounter", DateTimeOffset.MinValue, until.Value);
    }

    private List<CareRelation> FromEpisode(EpisodeOfCare episode)
    {
        var until = episode.Status switch
        {
            EpisodeOfCare.EpisodeOfCareStatus.Planned or EpisodeOfCare.EpisodeOfCareStatus.Waitlist or EpisodeOfCare.EpisodeOfCareStatus.Active
                or EpisodeOfCare.EpisodeOfCareStatus.Onhold => DateTimeOffset.MaxValue,
            EpisodeOfCare.EpisodeOfCareStatus.Finished => Ended(episode.Period?.EndElement),
            _ => (DateTimeOffset?)null,
        };
        return until is null ? [] : Grant([episode.ManagingOrganization, episode.CareManager], "episode-of-care", DateTimeOffset.MinValue, until.Value);
    }

    private List<CareRelation> FromCareTeam(CareTeam team)
    {
        var until = team.Status switch
        {
            CareTeam.CareTeamStatus.Proposed or CareTeam.CareTeamStatus.Active => team.Period?.EndElement is { } end ? Ended(end) : DateTimeOffset.MaxValue,
            CareTeam.CareTeamStatus.Suspended or CareTeam.CareTeamStatus.Inactive => Ended(team.Period?.EndElement),
            _ => (DateTimeOffset?)null,
        };
        if (until is null)
        {
            return [];
        }

        var grantees = team.Participant.Select(p => p.Member).Concat(team.ManagingOrganization).ToList();
        return Grant(grantees, "care-team", DateTimeOffset.MinValue, until.Value);
    }

    private List<CareRelation> FromTask(Hl7.Fhir.Model.Task task)
    {
        if (IsCoded(task, EmergencyAccessCode))
        {
            // Emergency access lasts its period whatever happens to the review.
            var from = task.ExecutionPeriod?.StartElement?.ToDateTimeOffset(TimeSpan.Zero);
            var to = task.ExecutionPeriod?.EndElement?.ToDateTimeOffset(TimeSpan.Zero);
            return from is null || to is null ? [] : Grant([task.Requester], "emergency", from.Value, to.Value);
        }

        var isReferral = IsCoded(task, ReferralCode) || task.Focus?.Reference?.StartsWith("ServiceRequest/", StringComparison.Ordinal) == true;
        if (!isReferral)
        {
            return [];
        }

        var until = task.Status switch
        {
            Hl7.Fhir.Model.Task.TaskStatus.Accepted or Hl7.Fhir.Model.Task.TaskStatus.InProgress or Hl7.Fhir.Model.Task.TaskStatus.Ready
                or Hl7.Fhir.Model.Task.TaskStatus.OnHold => DateTimeOffset.MaxValue,
            Hl7.Fhir.Model.Task.TaskStatus.Completed => Ended(task.ExecutionPeriod?.EndElement),
            _ => (DateTimeOffset?)null,
        };
        return until is null ? [] : Grant([task.Owner], "referral", DateTimeOffset.MinValue, until.Value);
    }

    private static bool IsCoded(Hl7.Fhir.Model.Task task, string code) =>
        task.Code?.Coding.Any(c => c.System == TaskCodeSystem && c.Code == code) == true;

    /// <summary>The end of a relation plus the grace period; an end that is not recorded counts from now.</summary>
    private DateTimeOffset Ended(FhirDateTime? end)
    {
        var at = end?.ToDateTimeOffset(TimeSpan.Zero) ?? options.Time.GetUtcNow();
        return at + options.RelationGracePeriod;
    }

    private static List<CareRelation> Grant(IEnumerable<ResourceReference?> grantees, string basis, DateTimeOffset from, DateTimeOffset until) =>
        grantees.Select(g => Grantee(g?.Reference)).OfType<string>().Distinct(StringComparer.Ordinal)
            .Select(g => new CareRelation(g, basis, from, until)).ToList();

    /// <summary><c>Type/id</c> of a reference to an organisation or a person, relative or absolute.</summary>
    internal static string? Grantee(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var parts = reference.Split('/');
        var history = Array.IndexOf(parts, "_history");
        if (history >= 0)
        {
            parts = parts[..history];
        }

        return parts.Length >= 2 && parts[^2] is "Organization" or "Practitioner" or "PractitionerRole" ? $"{parts[^2]}/{parts[^1]}" : null;
    }
}
