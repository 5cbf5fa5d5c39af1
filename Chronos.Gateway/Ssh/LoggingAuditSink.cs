using Chronos.Gateway.Ssh.Auth;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// The audit sink used until the Hypervisor's AuditLog (branch hv) is wired: every attempt goes to
/// the structured log with all its fields, so nothing is lost in the meantime.
/// </summary>
public sealed class LoggingAuditSink(ILogger<LoggingAuditSink> logger) : ISshAuditSink
{
    public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default)
    {
        Log.Audit(logger, world, session ?? "", op, string.Join(' ', extra.Select(kv => $"{kv.Key}={kv.Value}")));
        return Task.CompletedTask;
    }
}
