namespace Samjournal.Access.Policy;

/// <summary>Settings of the access policy (configuration section <c>Access</c>).</summary>
public sealed record AccessOptions
{
    /// <summary>How long access lasts after a care relation ends (Access:RelationGraceDays).</summary>
    public TimeSpan RelationGracePeriod { get; init; } = TimeSpan.FromDays(14);

    /// <summary>How long emergency access lasts (Access:EmergencyAccessHours).</summary>
    public TimeSpan EmergencyAccessDuration { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Staff roles that see a protected patient's address and telecom (Access:ProtectedAddressRoles).
    /// None by default: care does not need to know where a person with a protected address lives.</summary>
    public IReadOnlySet<string> ProtectedAddressRoles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
