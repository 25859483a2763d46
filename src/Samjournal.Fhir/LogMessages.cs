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
}
