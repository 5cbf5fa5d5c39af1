using System.Text;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>
/// The host keys the world itself holds, as its sshd would load them: /etc/ssh/ssh_host_{rsa,
/// ecdsa,ed25519}_key, read from the world model (not the mount, which need not be on this host
/// yet). So the fingerprint a client sees is the one `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`
/// shows inside. Keys are read once per world, as sshd reads them once at start. A world without
/// any usable key (not seeded by a persona) gets the <paramref name="fallback"/> store's.
/// </summary>
public sealed class WorldHostKeyStore(WorldCatalog worlds, DirectoryHostKeyStore fallback, string fallbackDirectory, ILogger<WorldHostKeyStore> logger) : IHostKeyStore
{
    /// <summary>sshd's load order (HostKey defaults in sshd_config(5)).</summary>
    private static readonly string[] Files = ["ssh_host_rsa_key", "ssh_host_ecdsa_key", "ssh_host_ed25519_key"];

    // A private key in openssh-key-v1 form is a few KiB (RSA 4096 about 3.4 KiB).
    private const long MaxKeyFileBytes = 64 * 1024;

    public async Task<IReadOnlyList<HostKey>> LoadOrCreateAsync(string world, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(world);
        var fileSystem = worlds.Open(world, "gateway-hostkeys");
        var ssh = await ResolveAsync(fileSystem, ["etc", "ssh"], cancellationToken);
        var keys = new List<HostKey>();
        if (ssh is { } directory)
        {
            foreach (var file in Files)
            {
                var text = await ReadStoredAsync(fileSystem, directory, file, cancellationToken);
                if (text is null)
                {
                    continue;
                }
                try
                {
                    keys.Add(HostKey.ParseOpenSshPrivateKey(text));
                }
                catch (Exception e) when (e is SshKeyFormatException or FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
                {
                    Log.HostKeyUnusable(logger, e, world, file);
                }
            }
        }
        if (keys.Count == 0)
        {
            Log.HostKeysFallback(logger, world, ssh is null ? "no /etc/ssh" : "no key file holds a key", fallbackDirectory);
            return await fallback.LoadOrCreateAsync(world, cancellationToken);
        }
        Log.HostKeysFromWorld(logger, world, string.Join(", ", keys.Select(k => k.Algorithm)));
        return keys;
    }

    private static async Task<ulong?> ResolveAsync(IWorldFileSystem fileSystem, string[] names, CancellationToken cancellationToken)
    {
        ulong ino = 1;
        foreach (var name in names)
        {
            var found = await fileSystem.LookupAsync(ino, name, cancellationToken);
            if (!found.IsOk || found.Value.Kind != FileKind.Directory)
            {
                return null;
            }
            ino = found.Value.Ino;
        }
        return ino;
    }

    /// <summary>A regular file's bytes when they are in the world (a ghost would need Persona to generate them: not a key).</summary>
    private static async Task<string?> ReadStoredAsync(IWorldFileSystem fileSystem, ulong directory, string name, CancellationToken cancellationToken)
    {
        var found = await fileSystem.LookupAsync(directory, name, cancellationToken);
        if (!found.IsOk || found.Value.Kind != FileKind.Regular || found.Value.Content != ContentState.Stored || found.Value.Size is 0 or > MaxKeyFileBytes)
        {
            return null;
        }
        var buffer = new byte[found.Value.Size];
        var read = await fileSystem.ReadAsync(found.Value.Ino, 0, buffer, cancellationToken);
        return read.IsOk ? Encoding.UTF8.GetString(buffer, 0, read.Value) : null;
    }
}
