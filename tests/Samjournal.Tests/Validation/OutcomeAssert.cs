using Hl7.Fhir.Model;

namespace Samjournal.Tests.Validation;

internal static class OutcomeAssert
{
    /// <summary>Asserts there is an issue of <paramref name="severity"/> whose expression and location are
    /// <paramref name="expression"/> and whose text contains all of <paramref name="text"/>; returns it.</summary>
    public static OperationOutcome.IssueComponent HasIssue(
        OperationOutcome outcome, OperationOutcome.IssueSeverity severity, string expression, params string[] text)
    {
        var match = outcome.Issue.FirstOrDefault(i =>
            i.Severity == severity
            && i.Expression.Contains(expression)
            && text.All(t => Text(i).Contains(t, StringComparison.Ordinal)));
        Assert.True(match is not null,
            $"No {severity} issue at '{expression}' with text [{string.Join(", ", text)}]. Issues:\n{Describe(outcome)}");
        Assert.Contains(expression, match!.Location);
        return match;
    }

    public static void NoErrors(OperationOutcome outcome) =>
        Assert.True(
            !outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal),
            $"Expected no errors. Issues:\n{Describe(outcome)}");

    public static string Text(OperationOutcome.IssueComponent issue) => $"{issue.Details?.Text} {issue.Diagnostics}";

    public static string Describe(OperationOutcome outcome) => string.Join("\n", outcome.Issue.Select(i =>
        $"  {i.Severity} {i.Code} [{string.Join(", ", i.Expression)}] {Text(i)}"));
}
