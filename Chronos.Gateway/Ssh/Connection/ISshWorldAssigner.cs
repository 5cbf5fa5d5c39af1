using System.Net;

namespace Chronos.Gateway.Ssh.Connection;

/// <summary>Who just logged in, as the SSH server knows it when authentication succeeds.</summary>
public sealed record SshLogin(
    string BaseWorld,
    string SessionId,
    string UserName,
    string Method,
    string? Password,
    string? PublicKeyFingerprint,
    EndPoint? RemoteEndPoint);

/// <summary>The world a connection runs in, and how it was chosen (recorded in the audit event).</summary>
public sealed record SshWorld(string Name, string Policy);

/// <summary>
/// Decides, once per connection and right after authentication, which world every channel of the
/// connection runs in (the persistence policy), and is told when the connection ends. A failure
/// fails the login: the server never runs a session in a world it was not given.
/// </summary>
public interface ISshWorldAssigner
{
    Task<SshWorld> AssignAsync(SshLogin login, CancellationToken cancellationToken);

    /// <summary>After the connection's last channel has stopped.</summary>
    Task ReleaseAsync(SshWorld world, SshLogin login, CancellationToken cancellationToken);
}

/// <summary>Every connection runs in the configured world (what the server does when nothing else is registered).</summary>
public sealed class SharedWorldAssigner : ISshWorldAssigner
{
    public const string PolicyName = "Shared";

    public Task<SshWorld> AssignAsync(SshLogin login, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        return Task.FromResult(new SshWorld(login.BaseWorld, PolicyName));
    }

    public Task ReleaseAsync(SshWorld world, SshLogin login, CancellationToken cancellationToken) => Task.CompletedTask;
}
