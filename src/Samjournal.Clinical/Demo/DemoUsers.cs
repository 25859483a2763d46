using Hl7.Fhir.Model;
using Samjournal.Clinical.Identifiers;

namespace Samjournal.Clinical.Demo;

/// <summary>Whether a demo user signs in as health personnel or as a citizen.</summary>
public enum DemoUserKind
{
    Staff,
    Citizen,
}

/// <summary>
/// A person of the demo region who can sign in: what the embedded sign-in puts in a token.
/// Staff carry the HelseID facts (HPR number, unit and legal organisation); citizens carry their
/// synthetic fødselsnummer and the street they live on (to find their seeded Patient).
/// </summary>
/// <param name="Username">Staff: the staff key (<c>haugen</c>); citizens: given.family in lower-case ASCII (<c>emma.odegard</c>).</param>
/// <param name="Role">One of Samjournal.Access's StaffRoles values (doctor, nurse, unit-leader, secretary, assistant); null for citizens.</param>
/// <param name="OrganisationNumber">The legal organisation: the unit's parent, or the unit itself when it has none.</param>
/// <param name="PersonalIdentityNumber">Citizens' fødselsnummer as the demo region made it for the date asked for.</param>
public sealed record DemoUser(
    string Username,
    string Name,
    DemoUserKind Kind,
    string? Role,
    string? RoleText,
    string? HprNumber,
    string? UnitName,
    string? UnitOrganisationNumber,
    string? OrganisationNumber,
    string? PersonalIdentityNumber,
    int? Age,
    string? Street)
{
    public string? Given => Kind == DemoUserKind.Citizen ? Name.Split(' ')[0] : null;

    public string? Family => Kind == DemoUserKind.Citizen ? Name[(Name.IndexOf(' ', StringComparison.Ordinal) + 1)..] : null;
}

/// <summary>The demo region's staff and citizens as sign-in users.</summary>
public static class DemoUsers
{
    /// <summary>Staff and citizens. Citizens' fødselsnummer depends on the date the region is built
    /// for (birth dates are relative to it): pass the date the store was seeded, when known.</summary>
    public static IReadOnlyList<DemoUser> All(DateOnly builtOn) => [.. Staff, .. Citizens(builtOn)];

    public static IReadOnlyList<DemoUser> Staff { get; } = DemoStaff.All.Select(ToUser).ToList();

    /// <summary>The citizens, with the fødselsnummer the demo transaction for <paramref name="builtOn"/>
    /// gives them: read from that transaction, so it is the one a seeded Patient carries.</summary>
    public static IReadOnlyList<DemoUser> Citizens(DateOnly builtOn)
    {
        var numbers = DemoRegion.BuildTransaction(builtOn).Entry
            .Select(e => e.Resource)
            .OfType<Patient>()
            .Select(p => p.Identifier.First(i => i.System == NorwegianSystems.Fodselsnummer).Value)
            .ToList();
        return DemoPatients.All.Select((p, i) => new DemoUser(
            Username(p.Given, p.Family),
            $"{p.Given} {p.Family}",
            DemoUserKind.Citizen,
            null, null, null, null, null, null,
            numbers[i],
            p.Age,
            p.Street)).ToList();
    }

    private static DemoUser ToUser(DemoStaff staff)
    {
        var unit = DemoOrganisation.Of(staff.Unit);
        var legal = unit.PartOf is { } parent ? DemoOrganisation.Of(parent) : unit;
        var (role, text) = staff.Role switch
        {
            StaffRole.HospitalDoctor => ("doctor", "Hospital doctor"),
            StaffRole.GeneralPractitioner => ("doctor", "General practitioner"),
            StaffRole.Nurse => ("nurse", "Nurse"),
            StaffRole.UnitLeader => ("unit-leader", "Unit leader"),
            StaffRole.MedicalSecretary => ("secretary", "Medical secretary"),
            _ => ("assistant", "Health care assistant"),
        };
        return new DemoUser(staff.Key, staff.FullName, DemoUserKind.Staff, role, text, staff.Hpr, unit.Name,
            unit.OrganisationNumber, legal.OrganisationNumber, null, null, null);
    }

    /// <summary><c>Emma</c> + <c>Ødegård</c> → <c>emma.odegard</c>: typeable on any keyboard.</summary>
    public static string Username(string given, string family) => Ascii(given) + "." + Ascii(family);

    // The demo names use only æ, ø and å beyond ASCII; anything else unexpected is dropped.
    private static string Ascii(string text)
    {
        var lower = text.ToLowerInvariant().Replace("æ", "ae", StringComparison.Ordinal).Replace("ø", "o", StringComparison.Ordinal).Replace("å", "a", StringComparison.Ordinal);
        return string.Concat(lower.Where(c => c is (>= 'a' and <= 'z') or '-'));
    }
}
