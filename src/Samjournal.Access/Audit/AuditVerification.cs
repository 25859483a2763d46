namespace Samjournal.Access.Audit;

/// <summary>
/// The result of checking the audit trail's hash chain end to end.
/// </summary>
/// <param name="Intact">No link fails and no record was slipped in around the chain.</param>
/// <param name="Linked">Records whose links were recomputed and matched.</param>
/// <param name="Pending">Records committed moments ago and not yet linked.</param>
/// <param name="BrokenAt">The first chain position that fails, if any.</param>
/// <param name="Problem">What is wrong there, in plain words.</param>
/// <param name="HeadPosition">The last link's position.</param>
/// <param name="HeadHash">The last link's hash (hex): kept outside the database (a daily note,
/// another system), it also reveals a chain whose end was cut off.</param>
public sealed record AuditVerification(bool Intact, long Linked, long Pending, long? BrokenAt, string? Problem, long HeadPosition, string HeadHash);
