using Chronos.Gateway.Ssh.Auth;
using Chronos.Hypervisor.Audit;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// Audit events go into the world's own audit stream in Redis (chronos:{world}:audit), next to the
/// filesystem events of the same session, through the Hypervisor's <see cref="AuditLog"/>.
/// </summary>
public sealed class HypervisorAuditSink(AuditLog auditLog) : ISshAuditSink
{
    public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default) =>
        auditLog.AppendAsync(world, session, op, extra, cancellationToken);
}
