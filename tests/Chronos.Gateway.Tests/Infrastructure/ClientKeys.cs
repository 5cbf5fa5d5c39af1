using Chronos.Testing;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>Client key pairs made by OpenSSH's ssh-keygen, plus an askpass script for password auth.</summary>
public sealed class ClientKeys
{
    private ClientKeys(string directory) => Directory = directory;

    public string Directory { get; }

    public string PrivateKey(string type) => Path.Combine(Directory, "id_" + type);

    public string Fingerprint(string type) => File.ReadAllText(PrivateKey(type) + ".fp").Trim();

    public string AskPass(string password)
    {
        var path = Path.Combine(Directory, "askpass-" + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(password)));
        if (!File.Exists(path))
        {
            File.WriteAllText(path, $"#!/bin/sh\nprintf '%s\\n' '{password}'\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public static async Task<ClientKeys> CreateAsync()
    {
        var keys = new ClientKeys(TempDirectory.Create("chronos-clientkeys"));
        foreach (var (type, bits) in new[] { ("ed25519", ""), ("rsa", "-b 3072"), ("ecdsa", "-b 256") })
        {
            var path = keys.PrivateKey(type);
            await ProcessRunner.BashAsync(
                $"ssh-keygen -q -t {type} {bits} -N '' -f {path} && ssh-keygen -l -f {path}.pub | awk '{{print $2}}' > {path}.fp");
        }
        return keys;
    }
}
