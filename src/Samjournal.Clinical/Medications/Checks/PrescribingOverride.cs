using Hl7.Fhir.Model;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Clinical.Medications.Checks;

/// <summary>
/// A prescriber's decision to go ahead despite a stop, carried in the MedicationRequest itself
/// (so it is stored with every version) as the extension <see cref="Url"/>:
/// <c>finding</c> (valueCode, a <see cref="FindingCodes"/> code, required), <c>reason</c>
/// (valueString, required: an override without a reason is refused), and <c>conflictsWith</c>
/// (valueReference, optional: limits the override to the finding about that resource; without it,
/// the override covers every stop with that code).
/// </summary>
public sealed record PrescribingOverride(string Finding, string Reason, string? ConflictsWith)
{
    public const string Url = "https://samjournal.no/fhir/StructureDefinition/prescribing-override";

    public bool Covers(PrescribingFinding finding) =>
        string.Equals(Finding, finding.Code, StringComparison.Ordinal)
        && (ConflictsWith is null || string.Equals(ConflictsWith, finding.ConflictsWith, StringComparison.Ordinal));

    /// <summary>The overrides a resource carries; refuses (422) one without a finding code or a reason.</summary>
    public static IReadOnlyList<PrescribingOverride> From(DomainResource resource)
    {
        var result = new List<PrescribingOverride>();
        var extensions = resource.Extension.Where(e => string.Equals(e.Url, Url, StringComparison.Ordinal)).ToList();
        for (var i = 0; i < extensions.Count; i++)
        {
            var extension = extensions[i];
            var path = $"{resource.TypeName}.extension('{Url}')[{i}]";
            var finding = (extension.GetExtension("finding")?.Value as Code)?.Value;
            if (string.IsNullOrWhiteSpace(finding))
            {
                throw FhirError.Unprocessable($"A prescribing override must name the finding it overrides (extension 'finding', valueCode from {FindingCodes.System}).", path);
            }

            var reason = (extension.GetExtension("reason")?.Value as FhirString)?.Value;
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw FhirError.Unprocessable($"The override of '{finding}' states no reason. A prescribing stop can only be overridden with a stated reason (extension 'reason', valueString).", path);
            }

            var target = (extension.GetExtension("conflictsWith")?.Value as ResourceReference)?.Reference;
            result.Add(new PrescribingOverride(finding.Trim(), reason.Trim(), string.IsNullOrWhiteSpace(target) ? null : target));
        }

        return result;
    }

    /// <summary>The extension that overrides <paramref name="finding"/> with <paramref name="reason"/>.</summary>
    public static Extension Extension(string finding, string reason, string? conflictsWith = null)
    {
        var extension = new Extension { Url = Url };
        extension.AddExtension("finding", new Code(finding));
        extension.AddExtension("reason", new FhirString(reason));
        if (conflictsWith is not null)
        {
            extension.AddExtension("conflictsWith", new ResourceReference(conflictsWith));
        }

        return extension;
    }
}
