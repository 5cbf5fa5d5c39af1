using System.Text;

namespace Chronos.Fuse.Tests;

/// <summary>
/// Linux itself is the reference: the same seeded random shell script runs in a tmpfs and in a
/// mounted world, and everything observable must be equal: every command's output and exit
/// status, and afterwards every path's type, mode, owner, link count, size, symlink target and
/// content hash.
/// </summary>
public sealed class DifferentialTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    private static readonly string[] Names = ["a", "b", "c", "d1", "d2", "d1/x", "d1/y", "d2/x", "d1/d3", "d1/d3/z"];

    internal static string RandomScript(int seed, int steps)
    {
        var random = new Random(seed);
        string Pick() => Names[random.Next(Names.Length)];
        var script = new StringBuilder();
        for (var i = 0; i < steps; i++)
        {
            var a = Pick();
            var b = Pick();
            var command = random.Next(16) switch
            {
                0 => $"mkdir {a}",
                1 => $"echo {random.Next(1000)} > {a}",
                2 => $"printf %{random.Next(1, 5000)}s x >> {a}",
                3 => $"truncate -s {random.Next(0, 70000)} {a}",
                4 => $"chmod {random.Next(0, 8)}{random.Next(0, 8)}{random.Next(0, 8)} {a}",
                5 => $"ln {a} {b}",
                6 => $"ln -s {a} {b}",
                7 => $"mv {a} {b}",
                8 => $"mv -T {a} {b}",
                9 => $"rm {a}",
                10 => $"rmdir {a}",
                11 => $"dd if=/dev/zero of={a} bs=1 count={random.Next(1, 100)} seek={random.Next(0, 200000)} conv=notrunc status=none",
                12 => $"touch -d @{random.Next(1_000_000, 2_000_000)} {a}",
                13 => $"chown {random.Next(0, 3) * 1000}:{random.Next(0, 3) * 100} {a}",
                14 => $"cat {a} | wc -c",
                _ => $"ls {a} | head -5",
            };
            script.Append("{ ").Append(command).Append("; } 2>&1; echo \"[$?]\"\n");
        }
        return script.ToString();
    }

    private const string Listing = """
        find . -mindepth 1 ! -type d -printf '%p %y %m %U %G %n %s %l %T@\n' | awk '{ if ($NF < 1000000000) print; else { $NF = "recent"; print } }' | sort
        find . -mindepth 1 -type d -printf '%p %y %m %U %G %n\n' | sort
        find . -type f -exec sha256sum {} + | sort -k2
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Random_script_gives_the_same_results_as_tmpfs(int seed)
    {
        var script = "set +e +o pipefail\n" + RandomScript(seed, 150) + "set -e\n";
        var reference = Path.Combine(world.Scratch, "tmpfs-" + seed);
        Directory.CreateDirectory(reference);
        await world.ShAsync($"mount -t tmpfs -o size=64m tmpfs {reference}");
        try
        {
            var expected = await world.ShAsync(script + Listing, reference);
            var dir = Path.Combine(world.MountPoint, "diff-" + seed);
            Directory.CreateDirectory(dir);
            var actual = await world.ShAsync(script + Listing, dir);
            if (expected != actual)
            {
                // Keep both runs for whoever reads the failure.
                await File.WriteAllTextAsync($"/tmp/chronos-diff-{seed}.script", script);
                await File.WriteAllTextAsync($"/tmp/chronos-diff-{seed}.expected", expected);
                await File.WriteAllTextAsync($"/tmp/chronos-diff-{seed}.actual", actual);
            }
            Assert.Equal(expected, actual);
        }
        finally
        {
            await world.BashAsync($"umount {reference}", "/");
        }
    }
}
