namespace Samjournal.Server.Auth;

/// <summary>Sign-in log lines. Usernames of demo users and client ids only: never a token, a
/// password, a secret or a fødselsnummer.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Issued a token by {Grant} for {Who}")]
    public static partial void TokenIssued(ILogger logger, string grant, string who);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Refused a {Grant} sign-in for client {ClientId}")]
    public static partial void SignInRefused(ILogger logger, string grant, string clientId);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Refused {Method} {Interaction} with {Status}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string method, string interaction, int status, string reason);
}
