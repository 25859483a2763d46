using Microsoft.Extensions.Logging;

namespace Samjournal.Fhir;

/// <summary>
/// Every log message of the Fhir project, in one reviewable place. They carry resource types,
/// parameter codes and exception types, never resource content or ids: no patient data in logs.
/// </summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning,
        Message = "Search parameter {Param} of {ResourceType} could not be indexed ({ExceptionType}); the resource was stored, other parameters were indexed")]
    public static partial void IndexParameterFailed(ILogger logger, string resourceType, string param, string exceptionType);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Reindex of custom search parameter {Code} ended {State} after {Processed} resources")]
    public static partial void ReindexFinished(ILogger logger, string code, string state, long processed);

    [LoggerMessage(EventId = 111, Level = LogLevel.Error, Message = "Reindex job {JobId} failed: {Error}")]
    public static partial void ReindexFailed(ILogger logger, long jobId, string error);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Reloading the custom search parameters after a write failed ({ExceptionType}); the reindex worker retries")]
    public static partial void SearchParameterReloadFailed(ILogger logger, string exceptionType);
}
