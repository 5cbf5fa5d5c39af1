using System.Text;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Model;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Clients;

/// <summary>
/// With Gateway:Ssh:HostKeysFromWorld, the Gateway serves the keys the persona seeded into the
/// world's /etc/ssh: an OpenSSH client that trusts only the world's .pub files connects with
/// StrictHostKeyChecking=yes, for every host key algorithm.
/// </summary>
public sealed class WorldHostKeyTests
{
    private static readonly Dictionary<string, string> Credentials = new() { ["root"] = "s3cret" };

    [Fact]
    public async Task A_client_that_trusts_only_the_worlds_own_pub_files_connects_strictly()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        var catalog = new WorldCatalog(connection);
        await SeedAsync(connection, catalog, "w1");
        await SeedAsync(connection, catalog, "other");
        var keys = await ClientKeys.CreateAsync();
        await using var server = await GatewayServer.StartAsync(
            persona: "ubuntu2204",
            policy: new ListedCredentialsPolicy(Credentials),
            settings: new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redis.ConnectionString,
                ["Gateway:Ssh:HostKeysFromWorld"] = "true",
            },
            useRecordingAudit: false);

        var scratch = TempDirectory.Create("chronos-known-hosts");
        var trusted = await KnownHostsAsync(catalog, "w1", server.Port, scratch);
        foreach (var algorithm in new[] { "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512" })
        {
            var ok = await OpenSsh.RunAsync(server.Port, "echo in", "s3cret", keys: keys, knownHosts: trusted, options: ["HostKeyAlgorithms=" + algorithm]);
            Assert.True(ok.ExitCode == 0, algorithm + ": " + ok.StandardError);
            Assert.Equal("in\n", ok.StandardOutput);
        }

        // The check is real: another world's keys (same persona, own keys) are refused.
        var untrusted = await KnownHostsAsync(catalog, "other", server.Port, scratch);
        var refused = await OpenSsh.RunAsync(server.Port, "echo in", "s3cret", keys: keys, knownHosts: untrusted);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_world_without_host_keys_gets_the_directory_stores()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        await new WorldCatalog(connection).CreateAsync(new WorldSpec("w1"));
        var keys = await ClientKeys.CreateAsync();
        await using var server = await GatewayServer.StartAsync(
            policy: new ListedCredentialsPolicy(Credentials),
            settings: new Dictionary<string, string?>
            {
                ["ConnectionStrings:redis"] = redis.ConnectionString,
                ["Gateway:Ssh:HostKeysFromWorld"] = "true",
            },
            useRecordingAudit: false);

        var knownHosts = Path.Combine(TempDirectory.Create("chronos-known-hosts"), "known_hosts");
        var lines = Directory.GetFiles(Path.Combine(server.HostKeyDirectory, "w1"), "*.pub")
            .Select(pub => $"[127.0.0.1]:{server.Port} {File.ReadAllText(pub).Trim()}");
        await File.WriteAllLinesAsync(knownHosts, lines);
        var ok = await OpenSsh.RunAsync(server.Port, "echo in", "s3cret", keys: keys, knownHosts: knownHosts);
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Equal("in\n", ok.StandardOutput);
    }

    private static async Task SeedAsync(StackExchange.Redis.IConnectionMultiplexer redis, WorldCatalog catalog, string world)
    {
        await catalog.CreateAsync(new WorldSpec(world));
        var persona = PersonaCatalog.Load().Get("web-ubuntu2204");
        await new WorldSeeder(redis, new HoneytokenRegistry(redis)).SeedAsync(catalog.Open(world, "test"), persona);
    }

    /// <summary>known_hosts as a client that copied the world's /etc/ssh/*.pub would write it.</summary>
    private static async Task<string> KnownHostsAsync(WorldCatalog catalog, string world, int port, string directory)
    {
        var fileSystem = catalog.Open(world, "test");
        var etc = (await fileSystem.LookupAsync(1, "etc")).Value;
        var ssh = (await fileSystem.LookupAsync(etc.Ino, "ssh")).Value;
        var lines = new List<string>();
        foreach (var name in new[] { "ssh_host_ed25519_key.pub", "ssh_host_ecdsa_key.pub", "ssh_host_rsa_key.pub" })
        {
            var file = (await fileSystem.LookupAsync(ssh.Ino, name)).Value;
            var buffer = new byte[file.Size];
            var read = (await fileSystem.ReadAsync(file.Ino, 0, buffer)).Value;
            lines.Add($"[127.0.0.1]:{port} {Encoding.UTF8.GetString(buffer, 0, read).Trim()}");
        }
        var path = Path.Combine(directory, world + ".known_hosts");
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }
}
