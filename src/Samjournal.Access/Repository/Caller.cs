namespace Samjournal.Access.Repository;

/// <summary>What kind of party is signed in: health personnel, a citizen (patient or parent),
/// or a system client (SMART Backend Services, client credentials).</summary>
public enum CallerKind
{
    Staff,
    Citizen,
    System,
}

/// <summary>
/// Who is asking, and why: carried by every scoped repository so policy and audit can see it.
/// Built from the bearer token's claims (HelseID-style for staff, ID-porten-style for citizens).
/// </summary>
/// <param name="Subject">The token's stable subject (for a system client: its client id).</param>
/// <param name="Name">Display name, for audit records and the UI.</param>
/// <param name="Role">Staff role (<see cref="StaffRoles"/>); null for citizens and systems.</param>
/// <param name="HprNumber">Health personnel number (HPR), for staff.</param>
/// <param name="OrganisationNumber">The legal organisation (HelseID orgnr_parent).</param>
/// <param name="UnitOrganisationNumber">The unit the person works at now (HelseID orgnr_child).</param>
/// <param name="PersonalIdentityNumber">fødselsnummer or D-nummer (claim pid); never logged.</param>
/// <param name="Scopes">Granted OAuth/SMART scopes, e.g. <c>user/*.cruds</c>, <c>patient/Observation.rs</c>.</param>
/// <param name="Purpose">Purpose of use (treatment, own-access, system integration).</param>
/// <param name="LaunchPatient">The patient a SMART launch (or patient/ scopes) is bound to, if any.</param>
public sealed record Caller(
    CallerKind Kind,
    string Subject,
    string? Name,
    string? Role,
    string? HprNumber,
    string? OrganisationNumber,
    string? UnitOrganisationNumber,
    string? PersonalIdentityNumber,
    IReadOnlySet<string> Scopes,
    string Purpose,
    string? LaunchPatient = null)
{
    /// <summary>A trusted in-process actor (start-up seeding, background workers): never a request.</summary>
    public static Caller SystemInternal(string name) =>
        new(CallerKind.System, name, name, null, null, null, null, null, new HashSet<string>(StringComparer.Ordinal) { "system/*.cruds" }, "system");
}

/// <summary>The staff roles policy knows; a token's role claim carries one of these.</summary>
public static class StaffRoles
{
    public const string Doctor = "doctor";
    public const string Nurse = "nurse";
    public const string UnitLeader = "unit-leader";
    public const string Secretary = "secretary";
    public const string Assistant = "assistant";

    public static readonly IReadOnlyList<string> All = [Doctor, Nurse, UnitLeader, Secretary, Assistant];
}
