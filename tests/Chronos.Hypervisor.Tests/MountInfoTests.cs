using System.Text;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;

namespace Chronos.Hypervisor.Tests;

/// <summary>The mountinfo parser against the kernel (real mounts with awkward names) and as a property/fuzz target.</summary>
public sealed class MountInfoTests
{
    [Fact]
    public async Task Reads_the_kernels_own_lines_including_escaped_mount_points()
    {
        var root = Path.Combine(Path.GetTempPath(), "chronos-mi-" + Guid.NewGuid().ToString("N")[..8]);
        var awkward = Path.Combine(root, "a b\\c\té");
        Directory.CreateDirectory(awkward);
        try
        {
            await ProcessRunner.BashAsync($"mount -t tmpfs chronos-test \"{awkward}\"", "/");
            var entry = MountInfo.At(MountInfo.Read(), awkward);
            Assert.NotNull(entry);
            Assert.Equal("tmpfs", entry.FileSystemType);
            Assert.False(entry.IsFuse);
            var stat = (await ProcessRunner.BashAsync($"stat -c '%Hd:%Ld' \"{awkward}\"", "/")).EnsureSuccess().StandardOutput.Trim();
            Assert.Equal(stat, entry.Device);
            // Every line the kernel writes parses.
            var lines = File.ReadAllText("/proc/self/mountinfo").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines.Length, MountInfo.Parse(string.Join('\n', lines)).Count());
        }
        finally
        {
            await ProcessRunner.BashAsync($"umount \"{awkward}\" 2>/dev/null || true; rm -rf \"{root}\"", "/");
        }
    }

    [Fact]
    public void Escaped_mount_points_round_trip_and_garbage_is_skipped_never_thrown()
    {
        var random = new Random(6);
        for (var i = 0; i < 3000; i++)
        {
            var path = "/" + new string([.. Enumerable.Range(0, random.Next(0, 30)).Select(_ => "ab \t\n\\/é-0"[random.Next(10)])]);
            var optional = string.Concat(Enumerable.Range(0, random.Next(0, 3)).Select(n => $" shared:{n}"));
            var type = random.Next(3) switch { 0 => "fuse", 1 => "fuse.chronos", _ => "ext4" };
            var line = $"{random.Next(1, 999)} 1 0:{random.Next(0, 500)} / {Escape(path)} rw,nosuid{optional} - {type} src rw";
            Assert.True(MountInfo.TryParseLine(line, out var entry), line);
            Assert.Equal(path, entry.MountPoint);
            Assert.Equal(type, entry.FileSystemType);
            Assert.Equal(type.StartsWith("fuse", StringComparison.Ordinal), entry.IsFuse);

            var garbage = new string([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => " -:0/\\7a\n"[random.Next(9)])]);
            foreach (var parsed in MountInfo.Parse(garbage))
            {
                Assert.StartsWith("/", parsed.MountPoint, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void The_last_mount_on_a_path_is_the_visible_one()
    {
        var entries = MountInfo.Parse("20 1 0:40 / /run/w rw - tmpfs t rw\n21 20 0:41 / /run/w rw - fuse.chronos w rw\n");
        Assert.Equal("0:41", MountInfo.At(entries, "/run/w/")!.Device);
        Assert.Null(MountInfo.At(entries, "/run"));
    }

    /// <summary>What the kernel's show_mountinfo does (seq_path_root with " \t\n\\" escaped as octal).</summary>
    private static string Escape(string path)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\\')
            {
                builder.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            }
            else
            {
                builder.Append((char)b);
            }
        }
        return Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(builder.ToString()));
    }
}
