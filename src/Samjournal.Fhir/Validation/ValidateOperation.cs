using Hl7.Fhir.Model;
using Samjournal.Fhir.Errors;

namespace Samjournal.Fhir.Validation;

/// <summary>The <c>mode</c> parameter of <c>$validate</c> (value set resource-validation-mode).</summary>
public enum ValidationMode
{
    /// <summary><c>create</c>: would the resource be accepted as a create?</summary>
    Create,

    /// <summary><c>update</c>: would the resource be accepted as an update of [type]/[id]?</summary>
    Update,

    /// <summary><c>delete</c>: could [type]/[id] be deleted? The resource itself is not validated.</summary>
    Delete,

    /// <summary><c>profile</c>: does the resource conform to the stated profile (the <c>profile</c>
    /// parameter, else its <c>meta.profile</c>)?</summary>
    Profile,
}

/// <summary>The inputs of one <c>$validate</c> call, once taken apart.</summary>
/// <param name="Resource">The resource to validate; <c>null</c> only for <see cref="ValidationMode.Delete"/>.</param>
/// <param name="Mode">The <c>mode</c> parameter; <c>null</c> when absent (plain validation).</param>
/// <param name="Profile">The <c>profile</c> parameter (a canonical URL); <c>null</c> when absent.</param>
public sealed record ValidateRequest(Resource? Resource, ValidationMode? Mode, string? Profile);

/// <summary>
/// The <c>$validate</c> operation (<a href="https://hl7.org/fhir/R4/resource-operation-validate.html">R4</a>),
/// free of HTTP: the REST layer parses the body, calls <see cref="Run"/> and writes the result.
/// </summary>
/// <remarks>
/// <para>Endpoints and what the REST layer passes:</para>
/// <list type="bullet">
/// <item><c>POST [base]/[type]/$validate</c> with the resource as body: <c>bodyResource</c> = that resource,
/// <c>parameters</c> = the query parameters (<c>mode</c>, <c>profile</c>) as a <see cref="Parameters"/>, or <c>null</c>.</item>
/// <item><c>POST [base]/[type]/$validate</c> with a <see cref="Parameters"/> body (<c>resource</c>, optional
/// <c>mode</c>, <c>profile</c>): pass it as <c>parameters</c> (or as <c>bodyResource</c>: a Parameters body
/// posted to any type other than Parameters is read as the operation's parameters).</item>
/// <item><c>GET [base]/[type]/[id]/$validate</c> (and <c>POST [base]/[type]/[id]/$validate</c>): the REST layer
/// reads the current version of [type]/[id] (404 / 410 when there is none) and passes it as <c>bodyResource</c>,
/// the query parameters or posted Parameters as <c>parameters</c>, and <c>id</c>. A <c>resource</c> parameter,
/// when present, is validated instead of the stored version.</item>
/// </list>
/// <para>Status codes: the operation succeeded whenever it could validate, so the REST layer answers
/// <b>200 OK with the returned OperationOutcome even when the resource is invalid</b> (the issues say why;
/// <see cref="ResourceValidator.IsValid"/> tells whether it passed). A request that cannot be validated at all
/// (no resource, unknown mode, resource type not that of the endpoint, a malformed parameter) throws
/// <see cref="FhirOperationException"/> (400), which the host turns into a 400 OperationOutcome.</para>
/// <para><c>mode=delete</c>: nothing is validated here; the REST layer checks that [type]/[id] exists (404 / 410
/// otherwise) before calling <see cref="Run"/>, which then reports that the delete would be accepted (this
/// server has no referential-integrity rules that block deletes). Unknown parameters are ignored.</para>
/// </remarks>
public static class ValidateOperation
{
    /// <summary>The operation's name, as in <c>$validate</c>.</summary>
    public const string Name = "validate";

    /// <summary>Runs <c>$validate</c>. See the class remarks for what to pass from each endpoint.</summary>
    /// <param name="bodyResource">The resource posted as the body, or the stored one for instance-level calls.</param>
    /// <param name="parameters">The Parameters body and/or the query parameters.</param>
    /// <param name="resourceType">The [type] of the endpoint.</param>
    /// <param name="id">The [id] of an instance-level call; <c>null</c> at type level.</param>
    /// <param name="validator">The (singleton) validator.</param>
    /// <returns>The outcome to return with 200 OK, valid or not.</returns>
    /// <exception cref="FhirOperationException">400: the request cannot be validated.</exception>
    public static OperationOutcome Run(
        Resource? bodyResource,
        Parameters? parameters,
        string resourceType,
        string? id,
        IResourceValidator validator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceType);
        ArgumentNullException.ThrowIfNull(validator);

        var request = Parse(bodyResource, parameters, resourceType);

        if (request.Mode == ValidationMode.Delete)
        {
            if (id is null)
            {
                throw FhirOperationException.BadRequest(
                    "mode=delete validates the deletion of an existing resource: use [base]/[type]/[id]/$validate.");
            }

            return Outcome(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = $"{resourceType}/{id} exists and may be deleted.",
            });
        }

        var resource = request.Resource
            ?? throw FhirOperationException.BadRequest(
                "No resource to validate: post it as the body, or in the 'resource' parameter of a Parameters body.");

        if (!string.Equals(resource.TypeName, resourceType, StringComparison.Ordinal))
        {
            throw FhirOperationException.BadRequest(
                $"The resource is a {resource.TypeName}, but this is the $validate operation of {resourceType}.",
                resource.TypeName);
        }

        if (request.Mode == ValidationMode.Profile && request.Profile is null && !HasMetaProfile(resource))
        {
            throw FhirOperationException.BadRequest(
                "mode=profile needs a profile: give the 'profile' parameter, or meta.profile in the resource.", "profile");
        }

        var modeIssues = ModeIssues(request.Mode, resource, id);
        var outcome = validator.Validate(resource, request.Profile);
        if (modeIssues.Count > 0)
        {
            _ = outcome.Issue.RemoveAll(IsNoIssuesPlaceholder);
            outcome.Issue.InsertRange(0, modeIssues);
        }

        return outcome;
    }

    /// <summary>
    /// Takes the request apart: the resource (the <c>resource</c> parameter, else <paramref name="bodyResource"/>),
    /// <c>mode</c> and <c>profile</c>. A <see cref="Parameters"/> passed as <paramref name="bodyResource"/> is read
    /// as the operation's parameters unless <paramref name="resourceType"/> is Parameters itself.
    /// </summary>
    /// <exception cref="FhirOperationException">400: a parameter is repeated, empty or has an unknown value.</exception>
    public static ValidateRequest Parse(Resource? bodyResource, Parameters? parameters, string resourceType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceType);

        var all = new List<Parameters.ParameterComponent>();
        if (bodyResource is Parameters bodyParameters && !string.Equals(resourceType, "Parameters", StringComparison.Ordinal))
        {
            all.AddRange(bodyParameters.Parameter);
            bodyResource = null;
        }

        if (parameters is not null)
        {
            all.AddRange(parameters.Parameter);
        }

        Resource? resource = null;
        var resourcePart = Single(all, "resource");
        if (resourcePart is not null)
        {
            resource = resourcePart.Resource
                ?? throw FhirOperationException.BadRequest("The 'resource' parameter must contain a resource.", "resource");
        }

        ValidationMode? mode = null;
        var modePart = Single(all, "mode");
        if (modePart is not null)
        {
            var code = PrimitiveText(modePart, "mode");
            mode = code switch
            {
                "create" => ValidationMode.Create,
                "update" => ValidationMode.Update,
                "delete" => ValidationMode.Delete,
                "profile" => ValidationMode.Profile,
                _ => throw FhirOperationException.BadRequest(
                    $"Unknown mode '{code}': expected create, update, delete or profile.", "mode"),
            };
        }

        var profilePart = Single(all, "profile");
        var profile = profilePart is null ? null : PrimitiveText(profilePart, "profile");

        return new ValidateRequest(resource ?? bodyResource, mode, profile);
    }

    private static List<OperationOutcome.IssueComponent> ModeIssues(ValidationMode? mode, Resource resource, string? id)
    {
        var issues = new List<OperationOutcome.IssueComponent>();
        var idExpression = $"{resource.TypeName}.id";
        switch (mode)
        {
            case ValidationMode.Create when !string.IsNullOrEmpty(resource.Id):
                issues.Add(Issue(OperationOutcome.IssueSeverity.Information, OperationOutcome.IssueType.Informational,
                    $"mode=create: the id '{resource.Id}' would be ignored; the server assigns the id of a created resource.",
                    idExpression));
                break;
            case ValidationMode.Update when string.IsNullOrEmpty(resource.Id):
                issues.Add(Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Required,
                    "mode=update: the resource must have an id.", idExpression));
                break;
            case ValidationMode.Update when id is not null && !string.Equals(resource.Id, id, StringComparison.Ordinal):
                issues.Add(Issue(OperationOutcome.IssueSeverity.Error, OperationOutcome.IssueType.Invalid,
                    $"mode=update: the resource id '{resource.Id}' does not match the id '{id}' in the URL.", idExpression));
                break;
            default:
                break;
        }

        return issues;
    }

    private static Parameters.ParameterComponent? Single(List<Parameters.ParameterComponent> all, string name)
    {
        Parameters.ParameterComponent? found = null;
        foreach (var p in all)
        {
            if (!string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null)
            {
                throw FhirOperationException.BadRequest($"The '{name}' parameter may be given only once.", name);
            }

            found = p;
        }

        return found;
    }

    /// <summary>The text of a code / uri / canonical / url / string parameter value.</summary>
    private static string PrimitiveText(Parameters.ParameterComponent part, string name)
    {
        var text = part.Value switch
        {
            Code c => c.Value,
            FhirUri u => u.Value,
            Canonical c => c.Value,
            FhirUrl u => u.Value,
            FhirString s => s.Value,
            _ => null,
        };

        return string.IsNullOrWhiteSpace(text)
            ? throw FhirOperationException.BadRequest($"The '{name}' parameter needs a non-empty primitive value.", name)
            : text.Trim();
    }

    private static bool HasMetaProfile(Resource resource) =>
        resource.Meta?.Profile.Any(p => !string.IsNullOrWhiteSpace(p)) == true;

    private static bool IsNoIssuesPlaceholder(OperationOutcome.IssueComponent issue) =>
        issue.Severity == OperationOutcome.IssueSeverity.Information
        && string.Equals(issue.Diagnostics, ResourceValidator.NoIssuesMessage, StringComparison.Ordinal);

    private static OperationOutcome.IssueComponent Issue(
        OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics, string expression) =>
        new()
        {
            Severity = severity,
            Code = code,
            Diagnostics = diagnostics,
            Expression = [expression],
            Location = [expression],
        };

    private static OperationOutcome Outcome(OperationOutcome.IssueComponent issue) => new() { Issue = [issue] };
}
