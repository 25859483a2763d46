using System.Net;
using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// Findings as an OperationOutcome: one issue per finding. Severity error for a stop (warning once
/// overridden), warning, or information; <c>details</c> carries the finding code and the Norwegian
/// text, <c>diagnostics</c> the English; the resource it conflicts with is in the extension
/// <see cref="ConflictUrl"/> (valueReference).
/// </summary>
public static class PrescribingOutcome
{
    public const string ConflictUrl = "https://samjournal.no/fhir/StructureDefinition/prescribing-conflict";

    public static OperationOutcome From(IReadOnlyList<PrescribingFinding> findings)
    {
        var outcome = new OperationOutcome();
        foreach (var finding in findings)
        {
            var issue = new OperationOutcome.IssueComponent
            {
                Severity = finding.Severity switch
                {
                    FindingSeverity.Stop when finding.OverrideReason is null => OperationOutcome.IssueSeverity.Error,
                    FindingSeverity.Stop or FindingSeverity.Warning => OperationOutcome.IssueSeverity.Warning,
                    _ => OperationOutcome.IssueSeverity.Information,
                },
                Code = OperationOutcome.IssueType.BusinessRule,
                Details = new CodeableConcept(FindingCodes.System, finding.Code, finding.Code, finding.OverrideReason is { } reason
                    ? $"{finding.Norwegian} Overstyrt med begrunnelse: {reason}"
                    : finding.Norwegian),
                Diagnostics = finding.OverrideReason is null ? finding.English : $"{finding.English} Overridden, reason given.",
                Expression = [finding.Code is FindingCodes.MaximumDose or FindingCodes.DoseNotChecked ? "MedicationRequest.dosageInstruction" : "MedicationRequest.medication"],
            };
            if (finding.ConflictsWith is { } conflict)
            {
                issue.Extension.Add(new Extension(ConflictUrl, new ResourceReference(conflict)));
            }

            outcome.Issue.Add(issue);
        }

        if (outcome.Issue.Count == 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Details = new CodeableConcept { Text = "Ingen funn ved forskrivningskontrollen." },
                Diagnostics = "The prescribing checks found nothing.",
            });
        }

        return outcome;
    }
}

/// <summary>
/// A prescription refused by the prescribing checks (422): every finding is an issue in the
/// OperationOutcome, and the message lists the stops so a log or a plain-text client sees them too.
/// Inside a transaction the issues stay, each prefixed with the entry that failed.
/// </summary>
public sealed class PrescribingStopException : FhirOperationException
{
    private readonly string _context;

    public PrescribingStopException(IReadOnlyList<PrescribingFinding> findings)
        : this(findings, "")
    {
    }

    private PrescribingStopException(IReadOnlyList<PrescribingFinding> findings, string context)
        : base(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.BusinessRule, context + Describe(findings), "MedicationRequest")
    {
        Findings = findings;
        _context = context;
    }

    public IReadOnlyList<PrescribingFinding> Findings { get; }

    public override FhirOperationException InContext(string prefix) => new PrescribingStopException(Findings, prefix + _context);

    public override OperationOutcome ToOutcome()
    {
        var outcome = PrescribingOutcome.From(Findings);
        foreach (var issue in outcome.Issue)
        {
            issue.Diagnostics = _context + issue.Diagnostics;
        }

        return outcome;
    }

    private static string Describe(IReadOnlyList<PrescribingFinding> findings) =>
        "The prescribing checks stopped this prescription: "
        + string.Join(" ", findings.Where(f => f.Blocks).Select(f => $"[{f.Code}{(f.ConflictsWith is null ? "" : " " + f.ConflictsWith)}] {f.English}"))
        + $" To go ahead, add the extension {PrescribingOverride.Url} with the finding code and a reason for each stop.";
}
