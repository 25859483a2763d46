using Hl7.Fhir.Model;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Policy;

/// <summary>
/// A parent's access to a child's record (pasient- og brukerrettighetsloven § 3-4). A parent is a
/// RelatedPerson of the child with parental responsibility whose identifier is the parent's
/// fødselsnummer. By the child's age on today's date in Norway:
/// <list type="bullet">
/// <item>under 12: the whole record;</item>
/// <item>12 to 16: the record without what the child or a clinician reserved from parents;</item>
/// <item>16 and over: nothing, unless an active Consent of the young person permits that parent.</item>
/// </list>
/// Access ends at 00:00 Norwegian time on the 16th birthday. Evaluated on every request, never cached.
/// </summary>
internal static class ParentalAccess
{
    public const string RoleSystem = "https://samjournal.no/fhir/CodeSystem/related-person-role";
    public const string ParentalResponsibility = "parental-responsibility";

    private const string FodselsnummerSystem = "urn:oid:2.16.578.1.12.4.1.4.1";

    private static readonly TimeZoneInfo Norway = TimeZoneInfo.FindSystemTimeZoneById("Europe/Oslo");

    public static async Task<(IReadOnlyList<long> Whole, IReadOnlyList<long> Limited)> ChildrenAsync(SqlStore store, string parentPid, DateTimeOffset now, CancellationToken ct)
    {
        var whole = new List<long>();
        var limited = new List<long>();
        await using var session = await store.ReadAsync(ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Norway).DateTime);
        foreach (var id in await session.FindIdsAsync("RelatedPerson", CriteriaParser.Parse("RelatedPerson", $"identifier={FodselsnummerSystem}|{parentPid}"), 20, ct))
        {
            if (await ParseAsync(session, "RelatedPerson", id, ct) is not RelatedPerson parent || parent.Active == false || !HasParentalResponsibility(parent)
                || parent.Patient?.Reference is not { } childReference || !childReference.StartsWith("Patient/", StringComparison.Ordinal))
            {
                continue;
            }

            var childId = childReference["Patient/".Length..];
            if (await ParseAsync(session, "Patient", childId, ct) is not Patient child || await session.KeyOfAsync("Patient", childId, ct) is not { } key)
            {
                continue;
            }

            var age = AgeOn(child.BirthDate, today);
            if (age is null)
            {
                continue;
            }

            if (age < 12)
            {
                whole.Add(key);
            }
            else if (age < 16)
            {
                limited.Add(key);
            }
            else if (await ConsentsAsync(session, childId, id, now, ct))
            {
                whole.Add(key);
            }
        }

        return (whole, limited);
    }

    /// <summary>Full years on <paramref name="today"/>; a birth date with only a year or a month
    /// counts from its earliest day, so access ends no later than it should.</summary>
    internal static int? AgeOn(string? birthDate, DateOnly today)
    {
        if (birthDate is null)
        {
            return null;
        }

        var parts = birthDate.Split('-');
        if (!int.TryParse(parts[0], out var year))
        {
            return null;
        }

        var month = parts.Length > 1 && int.TryParse(parts[1], out var m) ? m : 1;
        var day = parts.Length > 2 && int.TryParse(parts[2], out var d) ? d : 1;
        var age = today.Year - year;
        if (today.Month < month || (today.Month == month && today.Day < day))
        {
            age--;
        }

        return age;
    }

    private static bool HasParentalResponsibility(RelatedPerson parent) =>
        parent.Relationship.Any(r => r.Coding.Any(c => c.System == RoleSystem && c.Code == ParentalResponsibility));

    /// <summary>An active Consent of the young person that permits this parent (RelatedPerson) now.</summary>
    private static async Task<bool> ConsentsAsync(StoreSession session, string childId, string relatedPersonId, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in await session.FindIdsAsync("Consent", CriteriaParser.Parse("Consent", $"patient=Patient/{childId}&status=active"), 50, ct))
        {
            if (await ParseAsync(session, "Consent", id, ct) is Consent { Provision: { Type: Consent.ConsentProvisionType.Permit } provision }
                && provision.Actor.Any(a => a.Reference?.Reference == "RelatedPerson/" + relatedPersonId)
                && (provision.Period?.EndElement is null || provision.Period.EndElement.ToDateTimeOffset(TimeSpan.Zero) > now))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<Resource?> ParseAsync(StoreSession session, string type, string id, CancellationToken ct) =>
        await session.ReadAsync(type, id, null, ct) is { Json: { } json } ? FhirFormat.Parse(json, FhirMediaType.Json) : null;
}
