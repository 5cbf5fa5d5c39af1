using Chronos.Gateway.Ssh.Connection;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Sessions;

/// <summary>
/// The SSH server's world assignment under the persistence policy: <see cref="WorldAssignment"/>
/// picks (and branches) the world, and with sandboxing the world's mount is requested from
/// Chronos.Fuse for as long as the connection lives.
/// </summary>
/// <remarks>
/// Deleting a per-session world (<see cref="WorldAssignmentOptions.DeletePerSessionWorlds"/>) follows
/// a safe order: the mount request is withdrawn, Chronos.Fuse unmounts the world once no process
/// uses it, and only when the mount point is no longer mounted is the world deleted. If it is still
/// mounted after <see cref="SandboxOptions.MountWait"/>, the world is kept (logged), never deleted
/// under a live mount.
/// </remarks>
public sealed class SessionWorldAssigner(WorldAssignment assignment, ILogger<SessionWorldAssigner> logger, WorldMountLeases? mounts = null) : ISshWorldAssigner
{
    public async Task<SshWorld> AssignAsync(SshLogin login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        var world = await assignment.AssignAsync(login.BaseWorld, login.UserName, login.Password, login.PublicKeyFingerprint,
            login.RemoteEndPoint?.ToString() ?? "", login.SessionId, cancellationToken);
        if (mounts is not null)
        {
            await mounts.AcquireAsync(world);
        }
        return new SshWorld(world, assignment.Policy.ToString());
    }

    public async Task ReleaseAsync(SshWorld world, SshLogin login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        var deleting = assignment.DeletesSessionWorlds && world.Name != login.BaseWorld;
        if (mounts is not null)
        {
            var last = await mounts.ReleaseAsync(world.Name, unmountNow: deleting);
            if (!deleting || !last)
            {
                return;
            }
            if (!await mounts.WaitUntilUnmountedAsync(world.Name, cancellationToken))
            {
                Log.SessionWorldKeptMounted(logger, world.Name, mounts.MountPointOf(world.Name));
                return;
            }
        }
        if (deleting)
        {
            await assignment.ReleaseAsync(world.Name, cancellationToken);
        }
    }
}
