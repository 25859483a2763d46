namespace Samjournal.Access.Repository;

/// <summary>
/// Who is asking, and why: carried by every scoped repository so policy and audit can see it.
/// Sign-in fills it from the token; until then the embedded default runs as the development user.
/// </summary>
public sealed record Caller(string Subject, string Role, string? HprNumber, string? Organization, string Purpose)
{
    public static Caller Development { get; } = new("dev", "developer", null, null, "development");
}
