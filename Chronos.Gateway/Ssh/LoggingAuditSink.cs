using Chronos.Gateway.Ssh.Auth;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// The audit sink used until the Hypervisor's AuditLog (branch hv) is wired: every attempt goes to
/// the structured log with all its fields, so nothing is lost in the meantime.
/// </summary>
public sealed partial class LoggingAuditSink(ILogger<LoggingAuditSink> logger) : ISshAuditSink
{
    public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default)
    {
        LogAudit(logger, world, session ?? "", op, string.Join(' ', extra.Select(kv => $"{kv.Key}={kv.Value}")));
        return Task.CompletedTask;
    }

    [LoggerMessage(100, LogLevel.Information, "audit {World} {Session} {Op} {Extra}")]
    private static partial void LogAudit(ILogger logger, string world, string session, string op, string extra);
}
