using Chronos.Fuse;
using Chronos.Persona.Seeding;
using Chronos.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chronos.Persona.Tests;

/// <summary>
/// A persona world over a read-only lower layer (the AppHost's default world over the host's
/// /usr): the persona's distribution files shadow the layer's, the layer's programs stay, and
/// nothing of the layer outside its included names shows.
/// </summary>
public sealed class LowerLayerSeedingTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly string[] Include = ["usr", "bin", "sbin", "lib", "lib64"];

    [Fact]
    public async Task Startup_seeding_overlays_the_persona_on_a_lower_layer_that_says_debian()
    {
        var scratch = Directory.CreateTempSubdirectory("chronos-persona-lower-").FullName;
        try
        {
            // A Debian 12 host as a lower layer: merged /usr, its own os-release, an /etc that must stay out.
            var lower = Path.Combine(scratch, "lower");
            Write(lower, "usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n");
            Write(lower, "usr/lib/x86_64-linux-gnu/libhost.so.1", "ELF-ish\n");
            Write(lower, "usr/bin/hostprog", "#!/bin/sh\necho host\n");
            Write(lower, "usr/share/doc/hostpkg/copyright", "host\n");
            Write(lower, "etc/host-only", "secret\n");
            Write(lower, "home/admin/notes", "secret\n");
            File.CreateSymbolicLink(Path.Combine(lower, "bin"), "usr/bin");
            File.CreateSymbolicLink(Path.Combine(lower, "lib"), "usr/lib");

            var name = redis.NextWorldName("lower");
            var seeding = new StartupSeeding(
                new StartupSeedOptions { World = name, Persona = "web-ubuntu2204", LowerDirectory = lower, LowerInclude = [.. Include] },
                redis.Catalog,
                TestWorlds.Catalog,
                new WorldSeeder(redis.Redis, redis.Honeytokens),
                NullLogger<StartupSeeding>.Instance);
            await seeding.StartAsync(CancellationToken.None);
            Assert.Equal(lower, (await redis.Catalog.GetAsync(name))!.LowerDirectory);
            // A restart seeds nothing twice.
            await seeding.StartAsync(CancellationToken.None);

            var mountPoint = Path.Combine(scratch, "mnt");
            var mount = await WorldMount.MountAsync(
                redis.Catalog.Open(name, "mount:" + mountPoint),
                mountPoint,
                new WorldMountOptions { LowerDirectory = lower, LowerInclude = Include },
                redis.Redis,
                NullLogger.Instance,
                [Harness.Origin(redis.Redis)]);
            try
            {
                async Task<string> Sh(string script) => (await ProcessRunner.BashAsync(script, mountPoint)).EnsureSuccess().StandardOutput;

                Assert.Contains("PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"", await Sh("cat etc/os-release"), StringComparison.Ordinal);
                Assert.Contains("\nID=ubuntu\n", await Sh("cat usr/lib/os-release"), StringComparison.Ordinal);
                Assert.Contains("DISTRIB_ID=Ubuntu", await Sh("cat etc/lsb-release"), StringComparison.Ordinal);
                Assert.Equal("bookworm/sid\n", await Sh("cat etc/debian_version"));
                Assert.StartsWith("Ubuntu 22.04.4 LTS", await Sh("cat etc/issue"), StringComparison.Ordinal);

                // The layer's programs and libraries are there, beside the persona's files.
                Assert.Equal("#!/bin/sh\necho host\n", await Sh("cat bin/hostprog"));
                Assert.Contains("libhost.so.1", await Sh("ls lib/x86_64-linux-gnu"), StringComparison.Ordinal);
                Assert.Contains("os-release", await Sh("ls usr/lib"), StringComparison.Ordinal);
                Assert.Equal("usr/bin\n", await Sh("readlink bin"));

                // Nothing of the host outside the included names.
                Assert.Equal("missing\n", await Sh("test -e etc/host-only && echo present || echo missing"));
                Assert.Equal("missing\n", await Sh("test -e home/admin && echo present || echo missing"));
                Assert.Contains("wp-prod-01", await Sh("cat etc/hostname"), StringComparison.Ordinal);
            }
            finally
            {
                await mount.UnmountAsync();
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
