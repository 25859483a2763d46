using System.Net;
using Hl7.Fhir.Model;

namespace Samjournal.Fhir.Errors;

/// <summary>
/// A request the server refuses, with the HTTP status and the OperationOutcome issue that say why.
/// Thrown anywhere below the REST layer; the host turns it into an OperationOutcome response.
/// Anything else that escapes is a bug (5xx).
/// </summary>
public class FhirOperationException : Exception
{
    public FhirOperationException(HttpStatusCode status, OperationOutcome.IssueType code, string message, string? expression = null)
        : base(message)
    {
        Status = status;
        Code = code;
        Expression = expression;
    }

    public HttpStatusCode Status { get; }

    public OperationOutcome.IssueType Code { get; }

    /// <summary>FHIRPath of the offending element, when known.</summary>
    public string? Expression { get; }

    public static FhirOperationException BadRequest(string message, string? expression = null) =>
        new(HttpStatusCode.BadRequest, OperationOutcome.IssueType.Invalid, message, expression);

    public static FhirOperationException NotFound(string message) =>
        new(HttpStatusCode.NotFound, OperationOutcome.IssueType.NotFound, message);

    public static FhirOperationException Gone(string message) =>
        new(HttpStatusCode.Gone, OperationOutcome.IssueType.Deleted, message);

    public static FhirOperationException Forbidden(string message) =>
        new(HttpStatusCode.Forbidden, OperationOutcome.IssueType.Forbidden, message);

    public static FhirOperationException Conflict(string message) =>
        new(HttpStatusCode.Conflict, OperationOutcome.IssueType.Conflict, message);

    public static FhirOperationException PreconditionFailed(string message) =>
        new(HttpStatusCode.PreconditionFailed, OperationOutcome.IssueType.Conflict, message);

    public static FhirOperationException Unprocessable(string message, string? expression = null) =>
        new(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Processing, message, expression);

    /// <summary>The same refusal, its message prefixed with where it happened (a transaction's
    /// entry); a refusal with several issues keeps them.</summary>
    public virtual FhirOperationException InContext(string prefix) => new(Status, Code, prefix + Message, Expression);

    /// <summary>The OperationOutcome the client receives; a refusal with several findings (prescribing checks) lists each as its own issue.</summary>
    public virtual OperationOutcome ToOutcome()
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = OperationOutcome.IssueSeverity.Error,
            Code = Code,
            Diagnostics = Message,
        };
        if (Expression is not null)
        {
            issue.Expression = [Expression];
        }

        return new OperationOutcome { Issue = [issue] };
    }
}
