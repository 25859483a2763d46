using System.Collections.Concurrent;
using Samjournal.Access.Repository;
using Samjournal.Fhir.Policy;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Storage;

namespace Samjournal.Access.Policy;

/// <summary>
/// Turns a signed-in caller into what SQL can filter on. Staff act as their unit's Organization,
/// their Practitioner and their PractitionerRoles (found by organisation number and HPR number);
/// a citizen sees their own compartment (found by fødselsnummer); a system client with a
/// <c>system/</c> scope is unrestricted; anything else sees nothing in any patient's record.
/// </summary>
internal sealed class CallerAccess(SqlStore store, AccessOptions options)
{
    private const string OrganisationSystem = "urn:oid:2.16.578.1.12.4.1.4.101";
    private const string HprSystem = "urn:oid:2.16.578.1.12.4.1.4.4";
    private const string FodselsnummerSystem = "urn:oid:2.16.578.1.12.4.1.4.1";
    private const string DnummerSystem = "urn:oid:2.16.578.1.12.4.1.4.2";
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);

    /// <summary>A secretary sees demographics and appointments, not notes or results.</summary>
    private static readonly IReadOnlySet<string> SecretaryTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "RelatedPerson", "Appointment", "AppointmentResponse", "Schedule", "Slot", "Organization", "Practitioner",
        "PractitionerRole", "Location", "HealthcareService", "Coverage", "Endpoint",
    };

    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlyList<string> Grantees, long? OwnKey)> _cache = new(StringComparer.Ordinal);

    public async Task<AccessFilter?> FilterForAsync(Caller caller, CancellationToken ct)
    {
        var now = options.Time.GetUtcNow();
        switch (caller.Kind)
        {
            case CallerKind.System when caller.Scopes.Any(s => s.StartsWith("system/", StringComparison.Ordinal)):
                return null;
            case CallerKind.Staff:
                var grantees = await CachedAsync($"staff|{caller.UnitOrganisationNumber}|{caller.HprNumber}", now, () => StaffGranteesAsync(caller, ct));
                var organisation = await CachedAsync($"organisation|{caller.OrganisationNumber}", now, () => OrganisationAsync(caller.OrganisationNumber, ct));
                return new AccessFilter(
                    grantees.Grantees, null, caller.Role is null or StaffRoles.Secretary ? SecretaryTypes : null, now,
                    SeesProtectedAddresses: caller.Role is { } role && options.ProtectedAddressRoles.Contains(role))
                {
                    BlockTargets = [.. grantees.Grantees.Concat(organisation.Grantees).Distinct(StringComparer.Ordinal)],
                    OnlyPatientKey = await LaunchPatientKeyAsync(caller, ct),
                };
            case CallerKind.Citizen when caller.PersonalIdentityNumber is { } pid:
                var own = await CachedAsync($"citizen|{pid}", now, () => CitizenKeyAsync(pid, ct));
                var (children, limited) = await ParentalAccess.ChildrenAsync(store, pid, now, ct);
                return new AccessFilter([], own.OwnKey ?? -1, null, now) { ChildKeys = children, LimitedChildKeys = limited };
            default:
                return new AccessFilter([], null, Nothing, now);
        }
    }

    private async Task<(IReadOnlyList<string> Grantees, long? OwnKey)> CachedAsync(
        string key, DateTimeOffset now, Func<Task<(IReadOnlyList<string>, long?)>> resolve)
    {
        if (_cache.TryGetValue(key, out var hit) && hit.Expires > now)
        {
            return (hit.Grantees, hit.OwnKey);
        }

        var (grantees, own) = await resolve();
        if (grantees.Count > 0 || own is not null)
        {
            // Nothing found is not kept: a person or unit registered a moment ago is found at once.
            _cache[key] = (now + CacheFor, grantees, own);
        }

        return (grantees, own);
    }

    private async Task<(IReadOnlyList<string>, long?)> StaffGranteesAsync(Caller caller, CancellationToken ct)
    {
        await using var session = await store.ReadAsync(ct);
        var grantees = new List<string>();
        var units = new List<string>();
        if (caller.UnitOrganisationNumber is { } unit)
        {
            units.AddRange(await session.FindIdsAsync("Organization", CriteriaParser.Parse("Organization", $"identifier={OrganisationSystem}|{unit}"), 10, ct));
            grantees.AddRange(units.Select(id => "Organization/" + id));
        }

        if (caller.HprNumber is { } hpr)
        {
            var practitioners = await session.FindIdsAsync("Practitioner", CriteriaParser.Parse("Practitioner", $"identifier={HprSystem}|{hpr}"), 10, ct);
            grantees.AddRange(practitioners.Select(id => "Practitioner/" + id));
            foreach (var practitioner in practitioners)
            {
                // Only the roles at the unit the person signed in for: working at two units does not
                // carry one unit's access into the other.
                var roles = await session.FindIdsAsync("PractitionerRole", CriteriaParser.Parse("PractitionerRole", $"practitioner=Practitioner/{practitioner}"), 50, ct);
                foreach (var role in roles)
                {
                    var stored = await session.ReadAsync("PractitionerRole", role, null, ct);
                    if (stored?.Json is { } json && Samjournal.Fhir.Serialization.FhirFormat.Parse(json, Samjournal.Fhir.Serialization.FhirMediaType.Json) is Hl7.Fhir.Model.PractitionerRole pr
                        && (pr.Organization?.Reference is null || units.Any(u => CareRelationRules.Grantee(pr.Organization.Reference) == "Organization/" + u)))
                    {
                        grantees.Add("PractitionerRole/" + role);
                    }
                }
            }
        }

        return (grantees, null);
    }

    /// <summary>
    /// A token with only <c>patient/</c> scopes is bound to its launch patient (SMART App Launch):
    /// the app sees that patient's record, within what the person may see, and no one else's. With
    /// no launch patient it sees no one's. Null for tokens with <c>user/</c> or <c>system/</c> scopes.
    /// </summary>
    private async Task<long?> LaunchPatientKeyAsync(Caller caller, CancellationToken ct)
    {
        var patientScoped = caller.Scopes.Any(s => s.StartsWith("patient/", StringComparison.Ordinal))
            && !caller.Scopes.Any(s => s.StartsWith("user/", StringComparison.Ordinal) || s.StartsWith("system/", StringComparison.Ordinal));
        if (!patientScoped)
        {
            return null;
        }

        if (caller.LaunchPatient is not { } id)
        {
            return -1;
        }

        await using var session = await store.ReadAsync(ct);
        return await session.KeyOfAsync("Patient", id, ct) ?? -1;
    }

    /// <summary>The legal organisation the person works for: a block may name all of it.</summary>
    private async Task<(IReadOnlyList<string>, long?)> OrganisationAsync(string? number, CancellationToken ct)
    {
        if (number is null)
        {
            return ([], null);
        }

        await using var session = await store.ReadAsync(ct);
        var ids = await session.FindIdsAsync("Organization", CriteriaParser.Parse("Organization", $"identifier={OrganisationSystem}|{number}"), 10, ct);
        return (ids.Select(id => "Organization/" + id).ToList(), null);
    }

    private async Task<(IReadOnlyList<string>, long?)> CitizenKeyAsync(string pid, CancellationToken ct)
    {
        await using var session = await store.ReadAsync(ct);
        var ids = await session.FindIdsAsync("Patient", CriteriaParser.Parse("Patient", $"identifier={FodselsnummerSystem}|{pid},{DnummerSystem}|{pid}"), 2, ct);
        // Two records with one number would be a duplicate to merge, not a record to guess between.
        return ([], ids.Count == 1 ? await session.KeyOfAsync("Patient", ids[0], ct) : null);
    }
}
