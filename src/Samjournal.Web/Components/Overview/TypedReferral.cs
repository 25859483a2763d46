namespace Samjournal.Web.Components.Overview;

/// <summary>A referral form as the user filled it in: receiver, what is asked for, and why.</summary>
public sealed record TypedReferral(string? Receiver, string? What, string? Why);
