using System.Diagnostics;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Samjournal.Fhir.Validation;

/// <summary>
/// Validates resources against the FHIR R4 base specification, or against one of its profiles.
/// </summary>
public interface IResourceValidator
{
    /// <summary>Validates <paramref name="resource"/> against the base StructureDefinition of its type
    /// (plus any <c>meta.profile</c> the validator can resolve).</summary>
    OperationOutcome Validate(Resource resource);

    /// <summary>Validates <paramref name="resource"/> against <paramref name="profileCanonical"/>, or against
    /// the base StructureDefinition of its type when that is <c>null</c> or blank.</summary>
    OperationOutcome Validate(Resource resource, string? profileCanonical);
}

/// <summary>
/// Structural, cardinality, invariant (FHIRPath constraint) and terminology validation of R4 resources
/// with Firely.Fhir.Validation, against the StructureDefinitions, ValueSets and CodeSystems of the R4
/// specification archive (<c>specification.zip</c>, shipped by Hl7.Fhir.Specification.Data.R4).
/// </summary>
/// <remarks>
/// <para>Register as a singleton: the instance owns the caches that make validation fast, and is safe
/// to use from any number of threads. Nothing is loaded until the first validation (or
/// <see cref="WarmUp"/>); that first call reads the archive and compiles the schemas it needs, which
/// takes seconds. Each further resource type or profile is compiled once, on first use (a few hundred
/// milliseconds); after that a validation takes about a millisecond (Patient) to a few (Observation).</para>
/// <para>Caches: a <see cref="CachedResolver"/> over the <see cref="ZipSource"/> keeps the parsed
/// conformance resources; the <see cref="Validator"/> keeps the compiled schemas, per canonical, for its
/// lifetime; the local terminology service expands the specification's value sets from the same resolver.</para>
/// <para>Terminology: bindings are checked with <see cref="LocalTerminologyService"/> over the value sets in
/// the archive, so required bindings to FHIR-defined code systems (gender, status codes, ...) are enforced.
/// Value sets drawing on external code systems (LOINC, SNOMED CT, UCUM, BCP-47, ...) cannot be expanded
/// locally; codes from those are not checked (the validator reports at most a warning).</para>
/// <para>A <c>meta.profile</c> claim the archive does not define (an implementation guide's profile) is reported
/// as a warning and not checked; a <c>profileCanonical</c> it does not define is an error.</para>
/// <para>References are not resolved: a reference to another resource on this server is neither fetched
/// nor checked (contained resources are validated).</para>
/// <para>The result is always an <see cref="OperationOutcome"/> with at least one issue: when nothing is
/// found, a single <c>information</c> issue says so. Issues carry the FHIRPath of the offending element in
/// <c>expression</c> (for a missing required element, the path of its parent, with the element named in
/// the text), copied into the deprecated <c>location</c> for older clients. Use <see cref="IsValid"/> to
/// decide: only <c>error</c> and <c>fatal</c> issues make a resource invalid.</para>
/// </remarks>
public sealed partial class ResourceValidator : IResourceValidator
{
    /// <summary>Text of the information issue returned when validation found nothing.</summary>
    public const string NoIssuesMessage = "No issues detected during validation";

    /// <summary>Conformance resources in the archive never change; keep them for as long as the process lives.</summary>
    private const int ResolverCacheSeconds = 365 * 24 * 60 * 60;

    /// <summary>Firely's issue code for "Unable to resolve reference to profile".</summary>
    private const string UnresolvableProfileIssueCode = "4000";

    private readonly Lazy<Validator> _validator;
    private readonly ILogger _logger;

    /// <param name="logger">Optional; reports the one-time initialisation and validator failures.</param>
    /// <param name="specificationZipPath">Path of the R4 <c>specification.zip</c>; by default the one
    /// copied next to the application by Hl7.Fhir.Specification.Data.R4.</param>
    public ResourceValidator(ILogger<ResourceValidator>? logger = null, string? specificationZipPath = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        SpecificationZipPath = specificationZipPath ?? Path.Combine(AppContext.BaseDirectory, "specification.zip");
        _validator = new Lazy<Validator>(CreateValidator, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The archive the conformance resources are read from.</summary>
    public string SpecificationZipPath { get; }

    /// <inheritdoc />
    public OperationOutcome Validate(Resource resource) => Validate(resource, null);

    /// <inheritdoc />
    public OperationOutcome Validate(Resource resource, string? profileCanonical)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var profile = string.IsNullOrWhiteSpace(profileCanonical) ? null : profileCanonical.Trim();

        OperationOutcome outcome;
        try
        {
            outcome = _validator.Value.Validate(resource, profile);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not SpecificationNotFoundException)
        {
            // A failure inside the validator is not the client's fault, but neither does it make the
            // resource valid: report it as a fatal issue, so IsValid is false and $validate still answers.
            LogValidatorFailed(_logger, ex, resource.TypeName, profile ?? "(base)");
            outcome = new OperationOutcome();
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Fatal,
                Code = OperationOutcome.IssueType.Exception,
                Diagnostics = $"The validator failed on this {resource.TypeName}: {ex.Message}",
                Expression = [resource.TypeName],
            });
        }

        return Normalize(outcome, profile);
    }

    /// <summary>
    /// Loads the specification and compiles the schemas of <paramref name="resourceTypes"/> (Patient and
    /// Observation when none are given), so that the first request does not pay for it. Call it from a
    /// background task at start-up. Returns the time it took.
    /// </summary>
    public TimeSpan WarmUp(params string[] resourceTypes)
    {
        var started = Stopwatch.GetTimestamp();
        var types = resourceTypes.Length == 0 ? ["Patient", "Observation"] : resourceTypes;
        foreach (var type in types)
        {
            var resource = ModelInfo.GetTypeForFhirType(type) is { } clr && typeof(Resource).IsAssignableFrom(clr)
                ? (Resource?)Activator.CreateInstance(clr)
                : null;
            if (resource is null)
            {
                throw new ArgumentException($"'{type}' is not an R4 resource type.", nameof(resourceTypes));
            }

            _ = Validate(resource);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        LogWarmedUp(_logger, string.Join(", ", types), (long)elapsed.TotalMilliseconds);
        return elapsed;
    }

    /// <summary>True when <paramref name="outcome"/> has no <c>error</c> or <c>fatal</c> issue
    /// (warnings and information do not make a resource invalid).</summary>
    public static bool IsValid(OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return !outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
    }

    private Validator CreateValidator()
    {
        if (!File.Exists(SpecificationZipPath))
        {
            throw new SpecificationNotFoundException(
                $"The FHIR R4 specification archive was not found at '{SpecificationZipPath}'. It is shipped by the " +
                "Hl7.Fhir.Specification.Data.R4 package and copied to the output directory of the projects that reference it.");
        }

        var started = Stopwatch.GetTimestamp();
        var resolver = new CachedResolver(new ZipSource(SpecificationZipPath), ResolverCacheSeconds);
        var terminology = LocalTerminologyService.CreateDefaultForCore(resolver);
        // The validator compiles each StructureDefinition once into a schema and caches it (per canonical)
        // for its lifetime; the settings are shared by all calls and never changed after this point.
        var validator = new Validator(resolver, terminology, null, new ValidationSettings(), null);
        LogInitialized(_logger, SpecificationZipPath, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return validator;
    }

    private static OperationOutcome Normalize(OperationOutcome outcome, string? requestedProfile)
    {
        foreach (var issue in outcome.Issue)
        {
            if (IsUnknownDeclaredProfile(issue, requestedProfile))
            {
                issue.Severity = OperationOutcome.IssueSeverity.Warning;
                issue.Diagnostics = "A profile claimed in meta.profile is unknown to this server and was not checked. " + issue.Diagnostics;
            }

            if (!issue.Location.Any() && issue.Expression.Any())
            {
                issue.Location = [.. issue.Expression];
            }
        }

        if (outcome.Issue.Count == 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = NoIssuesMessage,
            });
        }

        return outcome;
    }

    /// <summary>
    /// An error "Unable to resolve reference to profile" for a profile other than the one asked for: it comes
    /// from a <c>meta.profile</c> claim (of the resource, or of a contained or bundled one). Such a claim is the
    /// instance's, not the caller's, and an unknown one is not a reason to reject the instance: it becomes a warning.
    /// An unknown profile asked for explicitly stays an error.
    /// </summary>
    private static bool IsUnknownDeclaredProfile(OperationOutcome.IssueComponent issue, string? requestedProfile) =>
        issue.Severity == OperationOutcome.IssueSeverity.Error
        && issue.Code == OperationOutcome.IssueType.Incomplete
        && issue.Details?.Coding.Any(c => string.Equals(c.Code, UnresolvableProfileIssueCode, StringComparison.Ordinal)) == true
        && (requestedProfile is null
            || issue.Details.Text?.Contains($"'{requestedProfile}'", StringComparison.Ordinal) != true);

    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "FHIR validator initialised from {ZipPath} in {ElapsedMs} ms")]
    private static partial void LogInitialized(ILogger logger, string zipPath, long elapsedMs);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "FHIR validator warmed up for {ResourceTypes} in {ElapsedMs} ms")]
    private static partial void LogWarmedUp(ILogger logger, string resourceTypes, long elapsedMs);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Error,
        Message = "FHIR validator failed on a {ResourceType} (profile {Profile})")]
    private static partial void LogValidatorFailed(ILogger logger, Exception exception, string resourceType, string profile);
}

/// <summary>The specification archive the validator needs is missing: a deployment error.</summary>
public sealed class SpecificationNotFoundException : Exception
{
    public SpecificationNotFoundException()
    {
    }

    public SpecificationNotFoundException(string message)
        : base(message)
    {
    }

    public SpecificationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
