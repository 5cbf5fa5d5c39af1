using Microsoft.Extensions.Logging;

namespace Chronos.Gateway;

/// <summary>Every log event of the Gateway, in one place.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "SSH server listening on {EndPoint} as {Persona} (world {World})")]
    public static partial void Listening(ILogger logger, string endPoint, string persona, string world);

    [LoggerMessage(2, LogLevel.Debug, "SSH connection {Session} from {Remote}")]
    public static partial void ConnectionAccepted(ILogger logger, string session, string? remote);

    [LoggerMessage(3, LogLevel.Information, "SSH connection {Session} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string session, string reason);

    [LoggerMessage(4, LogLevel.Warning, "SSH connection {Session} failed unexpectedly")]
    public static partial void ConnectionFaulted(ILogger logger, Exception exception, string session);

    [LoggerMessage(5, LogLevel.Information, "SSH {Session}: {Method} for {User} {Outcome}")]
    public static partial void AuthAttempt(ILogger logger, string session, string method, string user, string outcome);

    [LoggerMessage(6, LogLevel.Warning, "SSH {Session}: audit sink failed")]
    public static partial void AuditFailed(ILogger logger, Exception exception, string session);

    [LoggerMessage(7, LogLevel.Warning, "SSH {Session}: channel {Channel} failed")]
    public static partial void ChannelFailed(ILogger logger, Exception exception, string session, uint channel);

    [LoggerMessage(8, LogLevel.Error, "SSH accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "SSH {Session}: runs in world {World} ({Policy})")]
    public static partial void WorldAssigned(ILogger logger, string session, string world, string policy);

    [LoggerMessage(10, LogLevel.Error, "SSH {Session}: no world could be set up for {User} (base world {BaseWorld}); closing the connection")]
    public static partial void WorldAssignmentFailed(ILogger logger, Exception exception, string session, string user, string baseWorld);

    [LoggerMessage(11, LogLevel.Warning, "SSH {Session}: releasing world {World} failed")]
    public static partial void WorldReleaseFailed(ILogger logger, Exception exception, string session, string world);

    [LoggerMessage(12, LogLevel.Warning, "SSH server stopped with {Connections} connections still ending: the host's shutdown time ran out")]
    public static partial void ConnectionsOutlivedShutdown(ILogger logger, int connections);

    [LoggerMessage(13, LogLevel.Information, "audit {World} {Session} {Op} {Extra}")]
    public static partial void Audit(ILogger logger, string world, string session, string op, string extra);
}
