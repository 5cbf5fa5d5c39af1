using System.Collections.Concurrent;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>
/// Host keys as /etc/ssh keeps them: &lt;directory&gt;/&lt;world&gt;/ssh_host_{rsa,ecdsa,ed25519}_key in the
/// openssh-key-v1 format, mode 0600, generated once (RSA 3072, ECDSA P-256, Ed25519 as
/// `ssh-keygen -A`) and read back on every later start, so a world's fingerprint never changes.
/// </summary>
public sealed class DirectoryHostKeyStore(string directory) : IHostKeyStore
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<HostKey>>>> _cache = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<HostKey>> LoadOrCreateAsync(string world, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(world);
        if (world.Contains('/', StringComparison.Ordinal) || world.StartsWith('.'))
        {
            throw new ArgumentException($"world name '{world}' cannot name a directory", nameof(world));
        }
        return _cache.GetOrAdd(world, w => new Lazy<Task<IReadOnlyList<HostKey>>>(() => LoadAsync(w, CancellationToken.None))).Value
            .WaitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<HostKey>> LoadAsync(string world, CancellationToken cancellationToken)
    {
        var worldDirectory = Path.Combine(directory, world);
        Directory.CreateDirectory(worldDirectory);
        return
        [
            await LoadOrCreateAsync(Path.Combine(worldDirectory, "ssh_host_rsa_key"), () => HostKey.Generate("rsa"), cancellationToken),
            await LoadOrCreateAsync(Path.Combine(worldDirectory, "ssh_host_ecdsa_key"), () => HostKey.Generate("ecdsa"), cancellationToken),
            await LoadOrCreateAsync(Path.Combine(worldDirectory, "ssh_host_ed25519_key"), () => HostKey.Generate("ed25519"), cancellationToken),
        ];
    }

    private static async Task<HostKey> LoadOrCreateAsync(string path, Func<HostKey> generate, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return HostKey.ParseOpenSshPrivateKey(await File.ReadAllTextAsync(path, cancellationToken));
        }
        var key = generate();
        key.Comment = "root@" + Environment.MachineName;
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // sshd refuses private keys readable by others; so do we keep them 0600.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var stream = new FileStream(temporary, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(key.ToOpenSshPrivateKey().AsMemory(), cancellationToken);
        }
        // Rename so a crash never leaves half a key that would change the fingerprint on restart.
        File.Move(temporary, path, overwrite: false);
        await File.WriteAllTextAsync(path + ".pub", key.ToOpenSshPublicKey(key.Comment) + "\n", cancellationToken);
        return key;
    }
}
