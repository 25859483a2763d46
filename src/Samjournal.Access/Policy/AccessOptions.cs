namespace Samjournal.Access.Policy;

/// <summary>Settings of the access policy (configuration section <c>Access</c>).</summary>
public sealed record AccessOptions
{
    /// <summary>How long access lasts after a care relation ends (Access:RelationGraceDays).</summary>
    public TimeSpan RelationGracePeriod { get; init; } = TimeSpan.FromDays(14);

    /// <summary>How long emergency access lasts (Access:EmergencyAccessHours).</summary>
    public TimeSpan EmergencyAccessDuration { get; init; } = TimeSpan.FromHours(4);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
