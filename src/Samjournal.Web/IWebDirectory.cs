namespace Samjournal.Web;

/// <summary>A member of staff the sign-in page offers (the embedded provider's demo users).</summary>
public sealed record WebStaffMember(string Username, string Name, string Role, string RoleText, string UnitName);

/// <summary>What the web app needs to know about people and units that is not patient data: the
/// staff who may sign in here, and units' names by organisation number. The host provides it from
/// its sign-in provider.</summary>
public interface IWebDirectory
{
    IReadOnlyList<WebStaffMember> Staff { get; }

    string? UnitName(string? organisationNumber);
}
