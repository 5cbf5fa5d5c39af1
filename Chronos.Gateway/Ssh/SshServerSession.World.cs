using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;

namespace Chronos.Gateway.Ssh;

/// <summary>
/// The world of the connection: decided once, between an accepted credential and USERAUTH_SUCCESS,
/// so no channel can exist before it; released when the connection ends.
/// </summary>
internal sealed partial class SshServerSession
{
    /// <summary>Set once a credential is accepted: LoginGraceTime covers authentication only, as in
    /// sshd, not the world set-up that follows (a branch may take longer than the grace time).</summary>
    private volatile bool _loginAccepted;
    private SshLogin? _login;
    private SshWorld? _world;
    private int _worldReleased;

    /// <summary>The world every channel and audit event of this connection goes to (the configured one until assigned).</summary>
    public string World => _world?.Name ?? _context.World;

    private async ValueTask SucceedAsync(SshLogin login)
    {
        _loginAccepted = true;
        SshWorld world;
        try
        {
            world = await _context.WorldAssigner.AssignAsync(login, _abort.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abort.IsCancellationRequested)
        {
            Log.WorldAssignmentFailed(_context.Logger, e, Id, login.UserName, _context.World);
            await AuditWorldAsync(_context.World, login, new Dictionary<string, string>
            {
                ["error"] = e.GetType().Name + ": " + e.Message,
            });
            // sshd closes a connection whose session it cannot set up without a DISCONNECT
            // ("Connection closed by ..."); nothing ever runs in a world the connection was not given.
            RecordEnd("world assignment failed: " + e.GetType().Name);
            _closing = true;
            _sendQueue.Writer.TryComplete();
            return;
        }
        _login = login;
        _world = world;
        Log.WorldAssigned(_context.Logger, Id, world.Name, world.Policy);
        var extra = new Dictionary<string, string> { ["world"] = world.Name, ["policy"] = world.Policy, ["base_world"] = _context.World };
        // Analysts start from the configured world's stream: it names the world the session went to.
        await AuditWorldAsync(_context.World, login, extra);
        if (world.Name != _context.World)
        {
            await AuditWorldAsync(world.Name, login, new Dictionary<string, string>(extra));
        }
        Succeed();
    }

    private async Task AuditWorldAsync(string world, SshLogin login, Dictionary<string, string> extra)
    {
        extra["user"] = login.UserName;
        extra["method"] = login.Method;
        extra["client_version"] = ClientVersion;
        extra["hassh"] = ClientHassh;
        extra["source"] = RemoteEndPoint?.ToString() ?? "";
        try
        {
            await _context.Audit.AppendAsync(world, Id, SshAuditOps.WorldAssigned, extra, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.AuditFailed(_context.Logger, e, Id);
        }
    }

    /// <summary>Once, after every channel's program has stopped (a per-session world may be deleted).</summary>
    private async Task ReleaseWorldAsync()
    {
        if (_world is not { } world || _login is not { } login || Interlocked.Exchange(ref _worldReleased, 1) != 0)
        {
            return;
        }
        try
        {
            await _context.WorldAssigner.ReleaseAsync(world, login, CancellationToken.None);
        }
        catch (Exception e)
        {
            Log.WorldReleaseFailed(_context.Logger, e, Id, world.Name);
        }
    }
}
