using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>Where a world's host keys live. The Persona engineer will store them in the world; today: a directory.</summary>
public interface IHostKeyStore
{
    /// <summary>The world's host keys in sshd's load order (RSA, ECDSA, Ed25519), created once when absent.</summary>
    Task<IReadOnlyList<HostKey>> LoadOrCreateAsync(string world, CancellationToken cancellationToken);
}
