using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Samjournal.Access.Repository;
using Samjournal.Clinical.Demo;
using Samjournal.Fhir.Search;
using Samjournal.Fhir.Serialization;

namespace Samjournal.Server.Auth;

/// <summary>
/// The demo users the embedded server signs in (only in demo mode). A citizen's fødselsnummer and
/// Patient id are read from the store: the demo region's birth dates, and so its numbers, depend on
/// the day it was seeded, which may not be today.
/// </summary>
internal sealed class DemoDirectory(AuthOptions options, IServiceScopeFactory scopes, TimeProvider time)
{
    private const string FodselsnummerSystem = "urn:oid:2.16.578.1.12.4.1.4.1";

    private readonly Lazy<IReadOnlyList<DemoUser>> _users = new(() => DemoUsers.All(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)));

    public IReadOnlyList<DemoUser> Users => options.DemoMode ? _users.Value : [];

    public DemoUser? Find(string? username) =>
        Users.FirstOrDefault(u => string.Equals(u.Username, username?.Trim(), StringComparison.OrdinalIgnoreCase));

    public bool PasswordMatches(string? password) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(password ?? ""), Encoding.UTF8.GetBytes(options.DemoPassword));

    /// <summary>The user as the record knows them: for a citizen, the fødselsnummer of their seeded
    /// Patient and its id (null when the store has no such Patient, e.g. with Seed:Demo off).</summary>
    public async Task<(DemoUser User, string? PatientId)> ResolveAsync(DemoUser user, CancellationToken ct)
    {
        if (user.Kind != DemoUserKind.Citizen)
        {
            return (user, null);
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerOverride>().Caller = Caller.SystemInternal("sign-in");
        var repo = scope.ServiceProvider.GetRequiredService<ScopedRepository>();
        List<KeyValuePair<string, string>> criteria =
        [
            new("given:exact", user.Given!),
            new("family:exact", user.Family!),
            new("address", user.Street!),
            new("_count", "2"),
        ];
        var search = SearchParameters.Parse("Patient", criteria, strict: true, compartment: null, repo.SearchParameters);
        var result = await repo.SearchAsync(search.Request, ct);
        var patients = result.Page.Matches
            .Where(m => m.Json is not null)
            .Select(m => FhirFormat.Parse<Patient>(m.Json!, FhirMediaType.Json))
            .ToList();
        if (patients.Count != 1)
        {
            return (user, null);
        }

        var fnr = patients[0].Identifier.FirstOrDefault(i => i.System == FodselsnummerSystem)?.Value;
        return (user with { PersonalIdentityNumber = fnr ?? user.PersonalIdentityNumber }, patients[0].Id);
    }
}
