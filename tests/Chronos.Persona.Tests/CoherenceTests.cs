using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;

namespace Chronos.Persona.Tests;

/// <summary>
/// A seeded world of each persona, read through the filesystem (ghost logs and histories
/// materialized by the origin, offline), must not contradict itself.
/// </summary>
public sealed class CoherenceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public async Task A_seeded_world_agrees_with_itself(string persona)
    {
        var p = TestWorlds.Catalog.Get(persona);
        var world = await redis.SeededWorldAsync(persona);
        var tree = await WorldTree.WalkAsync(world);
        var origin = Harness.Origin(redis.Redis);

        async Task<string> Read(string path)
        {
            var ino = await WorldTree.ResolveAsync(world, path);
            var attributes = (await world.GetAttrAsync(ino)).Value;
            await origin.MaterializeAsync(world, attributes, CancellationToken.None);
            return Encoding.UTF8.GetString(await WorldTree.ReadAllAsync(world, ino));
        }

        // Accounts: passwd names every user a log or history names; every login user's home exists and is theirs.
        var passwd = (await Read("/etc/passwd")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).ToList();
        var users = passwd.Select(f => f[0]).ToHashSet(StringComparer.Ordinal);
        var shadowNames = (await Read("/etc/shadow")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[0]);
        Assert.Equal(users.Order(StringComparer.Ordinal), shadowNames.Order(StringComparer.Ordinal));
        foreach (var fields in passwd.Where(f => f[6] == "/bin/bash"))
        {
            Assert.True(tree.TryGetValue(fields[5], out var home), $"home {fields[5]} of {fields[0]} missing");
            Assert.Equal(FileKind.Directory, home.Kind);
            Assert.Equal(uint.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), home.Uid);
        }
        var logs = tree.Keys.Where(k => k.StartsWith("/var/log/", StringComparison.Ordinal) && !k.EndsWith(".gz", StringComparison.Ordinal) && !k.EndsWith("tmp", StringComparison.Ordinal) && tree[k].Kind == FileKind.Regular).ToList();
        var histories = tree.Keys.Where(k => k.EndsWith("_history", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(logs);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in logs.Concat(histories))
        {
            texts[path] = await Read(path);
            Assert.Equal(tree[path].Size, Encoding.UTF8.GetByteCount(texts[path]));
            foreach (var named in ContentChecks.NamedUsers(texts[path]))
            {
                Assert.True(users.Contains(named), $"{path} names user {named}, who is not in /etc/passwd");
            }
        }

        // Host name: hostname, hosts, motd and every syslog-format line agree.
        var hostname = (await Read("/etc/hostname")).Trim();
        Assert.Equal(p.Hostname, hostname);
        Assert.Contains($"{p.Fqdn}", await Read("/etc/hosts"), StringComparison.Ordinal);
        Assert.Contains(p.Fqdn, await Read("/etc/motd"), StringComparison.Ordinal);
        foreach (var path in new[] { "/var/log/auth.log", "/var/log/syslog", "/var/log/kern.log" })
        {
            var lines = texts[path].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.NotEmpty(lines);
            Assert.All(lines, l => Assert.Contains($" {hostname} ", l, StringComparison.Ordinal));
        }

        // Release: os-release, the kernel flavour, the kernel package in dpkg's status and the SSH server all name one distribution.
        var osRelease = await Read("/usr/lib/os-release");
        Assert.Contains($"VERSION_ID=\"{p.Os.VersionId}\"", osRelease, StringComparison.Ordinal);
        Assert.Equal("../usr/lib/os-release", (await world.ReadLinkAsync(await WorldTree.ResolveAsync(world, "/etc/os-release"))).Value);
        var debian = osRelease.Contains("ID=debian\n", StringComparison.Ordinal);
        Assert.EndsWith(debian ? "-amd64" : "-generic", p.Kernel.Release, StringComparison.Ordinal);
        Assert.Contains(debian ? "Debian" : "Ubuntu", p.Kernel.Version, StringComparison.Ordinal);
        var status = await Read("/var/lib/dpkg/status");
        Assert.Contains($"Package: linux-image-{p.Kernel.Release}\n", status, StringComparison.Ordinal);
        Assert.Contains(p.Ssh.Banner.Split('_')[1].Split(' ')[0], status, StringComparison.Ordinal);
        Assert.Equal(debian, tree.ContainsKey("/etc/lsb-release") == false);

        // The live logs end near "now", rotated ones before them; nothing is dated in the future.
        foreach (var path in logs)
        {
            var mtime = DateTimeOffset.FromUnixTimeSeconds(tree[path].Mtime.Seconds);
            Assert.True(mtime <= TestWorlds.SeededAt, $"{path} in the future");
            if (tree.TryGetValue(path + ".1", out var rotated))
            {
                Assert.True(rotated.Mtime.Seconds < tree[path].Mtime.Seconds, $"{path}.1 is newer than {path}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestWorlds.PersonaNames), MemberType = typeof(TestWorlds))]
    public async Task Binary_and_compressed_ghosts_are_read_by_last_lastb_gzip_and_ssh_keygen(string persona)
    {
        var world = await redis.SeededWorldAsync(persona);
        var tree = await WorldTree.WalkAsync(world);
        var origin = Harness.Origin(redis.Redis);
        var directory = Directory.CreateTempSubdirectory("chronos-coherence-");
        try
        {
            var users = TestWorlds.Catalog.Get(persona).Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (path, program) in new[] { ("/var/log/wtmp", "last"), ("/var/log/btmp", "lastb") })
            {
                var ino = await WorldTree.ResolveAsync(world, path);
                await origin.MaterializeAsync(world, (await world.GetAttrAsync(ino)).Value, CancellationToken.None);
                var file = Path.Combine(directory.FullName, program);
                await File.WriteAllBytesAsync(file, await WorldTree.ReadAllAsync(world, ino));
                var output = (await Chronos.Testing.ProcessRunner.RunAsync(program, ["-f", file, "-w", "-i"])).EnsureSuccess().StandardOutput;
                var records = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(program + " begins ", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(records);
                if (program == "last")
                {
                    Assert.All(records, l => Assert.True(l.StartsWith("reboot ", StringComparison.Ordinal) || users.Contains(l.Split(' ')[0]), $"last shows an unknown user: {l}"));
                }
                else
                {
                    Assert.All(records, l => Assert.Contains("ssh:notty", l, StringComparison.Ordinal));
                }
            }
            foreach (var path in tree.Keys.Where(k => k.EndsWith(".gz", StringComparison.Ordinal) || k.EndsWith("/id_ed25519", StringComparison.Ordinal)))
            {
                var ino = await WorldTree.ResolveAsync(world, path);
                await origin.MaterializeAsync(world, (await world.GetAttrAsync(ino)).Value, CancellationToken.None);
                var file = Path.Combine(directory.FullName, path.Replace('/', '_'));
                await File.WriteAllBytesAsync(file, await WorldTree.ReadAllAsync(world, ino));
                if (path.EndsWith(".gz", StringComparison.Ordinal))
                {
                    var text = (await Chronos.Testing.ProcessRunner.RunAsync("gzip", ["-dc", file])).EnsureSuccess().StandardOutput;
                    var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    Assert.NotEmpty(lines);
                    if (path.Contains("auth.log", StringComparison.Ordinal) || path.Contains("syslog", StringComparison.Ordinal) || path.Contains("kern.log", StringComparison.Ordinal))
                    {
                        Assert.All(lines, l => Assert.Contains(" " + TestWorlds.Catalog.Get(persona).Hostname + " ", l, StringComparison.Ordinal));
                    }
                }
                else
                {
                    (await Chronos.Testing.ProcessRunner.RunAsync("chmod", ["600", file])).EnsureSuccess();
                    var derived = (await Chronos.Testing.ProcessRunner.RunAsync("ssh-keygen", ["-y", "-f", file])).EnsureSuccess().StandardOutput.Trim();
                    Assert.Equal((await WorldTree.ReadTextAsync(world, path + ".pub")).Trim(), derived);
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
