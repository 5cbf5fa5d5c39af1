using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.Audit;

namespace Chronos.Fuse.Tests;

/// <summary>Every syscall is attributed to the session whose cgroup the calling process is in.</summary>
public sealed class AttributionTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    private const string CgroupRoot = "/sys/fs/cgroup/unified";

    [Fact]
    public async Task Commands_run_in_a_session_cgroup_are_audited_under_that_session()
    {
        var session = "s" + Guid.NewGuid().ToString("N")[..8];
        var parent = Path.Combine(CgroupRoot, "chronos-test-" + Guid.NewGuid().ToString("N")[..8]);
        var cgroup = Path.Combine(parent, CgroupSessionResolver.SegmentPrefix + session);
        Directory.CreateDirectory(cgroup);
        try
        {
            await world.ShAsync($"""
                echo $$ > {cgroup}/cgroup.procs
                mkdir attributed-dir && echo x > attributed-dir/file && mv attributed-dir/file attributed-dir/moved
                """);
            await world.ShAsync("touch host-file");
        }
        finally
        {
            Directory.Delete(cgroup);
            Directory.Delete(parent);
        }
        var events = await new AuditLog(world.Connection).ReadAsync(world.World, count: 10000);
        var mine = events.Where(e => e.Session == session).Select(e => (e.Op, e.Name)).ToList();
        Assert.Contains(mine, e => e.Name == "attributed-dir");
        Assert.Contains(mine, e => e.Name == "file");
        Assert.Contains(mine, e => e.Name == "moved" || e.Op.Contains("rename", StringComparison.Ordinal));
        Assert.DoesNotContain(mine, e => e.Name == "host-file");
        Assert.Contains(events, e => e.Name == "host-file" && e.Session is null);
    }

    [Theory]
    [InlineData("/chronos/chronos-session-42", "42")]
    [InlineData("/a/chronos-session-x/inner", "x")]
    [InlineData("/", null)]
    [InlineData("/chronos-session-", null)]
    [InlineData("", null)]
    public void Cgroup_paths_name_their_session(string path, string? expected) =>
        Assert.Equal(expected, CgroupSessionResolver.ParseCgroupPath(path));

    [Fact]
    public void Cgroup_path_parsing_survives_any_input()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var id = new string([.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => (char)random.Next(33, 127)).Where(c => c != '/')]);
            if (id.Length > 0)
            {
                Assert.Equal(id, CgroupSessionResolver.ParseCgroupPath($"/x/{CgroupSessionResolver.SegmentPrefix}{id}"));
            }
            var garbage = new string([.. Enumerable.Range(0, random.Next(0, 80)).Select(_ => (char)random.Next(0, 256))]);
            _ = CgroupSessionResolver.ParseCgroupPath(garbage);
        }
    }
}
