namespace Chronos.Gateway.Ssh.Auth;

/// <summary>
/// Where the Gateway records what clients tried. Mirrors Chronos.Hypervisor.Audit.AuditLog.AppendAsync
/// (world, session, op, extra) so the Hypervisor-backed sink is a one-line adapter.
/// </summary>
public interface ISshAuditSink
{
    Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default);
}

/// <summary>Audit op names the Gateway writes; they reach the audit stream and never change.</summary>
public static class SshAuditOps
{
    public const string AuthAttempt = "ssh.auth";
    public const string ForwardRefused = "ssh.forward";
    public const string SessionRequest = "ssh.session";

    /// <summary>Which world a connection was given (in the configured world, and in the given one when it differs).</summary>
    public const string WorldAssigned = "ssh.world";
}
