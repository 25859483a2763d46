using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;
using Samjournal.Fhir.Serialization;
using FhirError = Samjournal.Fhir.Errors.FhirOperationException;

namespace Samjournal.Server.FhirApi;

/// <summary>
/// Turns every failure into an OperationOutcome: a refused request keeps its status and message;
/// an oversized body is a 413; anything else is a bug, answered with a 500 that reveals nothing
/// and logged without patient data.
/// </summary>
internal sealed partial class FhirErrorHandling(ILogger<FhirErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            FhirError fhir => fhir,
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new FhirError(
                System.Net.HttpStatusCode.RequestEntityTooLarge, OperationOutcome.IssueType.TooLong, "The request body is larger than this server accepts (Fhir:MaxRequestBodyBytes)."),
            BadHttpRequestException bad => FhirError.BadRequest("The HTTP request is malformed: " + bad.Message),
            _ => null,
        };

        if (error is null)
        {
            LogUnhandled(logger, context.Request.Method, context.GetEndpoint()?.DisplayName ?? "unknown", exception.GetType().FullName ?? "", exception.StackTrace ?? "");
            error = new FhirError(System.Net.HttpStatusCode.InternalServerError, OperationOutcome.IssueType.Exception, "The server failed to process the request; nothing was written. This is a bug; the error is logged.");
        }

        await WriteAsync(context, error);
        return true;
    }

    public static async Task WriteAsync(HttpContext context, FhirError error)
    {
        context.Response.Clear();
        context.Response.StatusCode = (int)error.Status;
        var format = FhirMediaType.Json;
        try
        {
            format = FhirHttp.ResponseFormat(context.Request);
        }
        catch (FhirError)
        {
            // An unacceptable Accept header still gets its error in JSON.
        }

        context.Response.ContentType = (format == FhirMediaType.Json ? FhirHttp.JsonType : FhirHttp.XmlType) + "; charset=utf-8";
        await context.Response.Body.WriteAsync(FhirFormat.ToBytes(error.ToOutcome(), format), context.RequestAborted);
    }

    // Only the method, endpoint name, exception type and stack: never the message, which may quote patient data.
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Endpoint}: {ExceptionType} {StackTrace}")]
    private static partial void LogUnhandled(ILogger logger, string method, string endpoint, string exceptionType, string stackTrace);
}
