using System.Diagnostics;
using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Tests.Sandbox;

/// <summary>A session's cgroups on this host's real cgroup tree: disposal kills and removes, and never throws.</summary>
public sealed class SessionCgroupTests
{
    private static SessionCgroup Create(RecordingLogger logger) =>
        SessionCgroup.TryCreate("t" + Guid.NewGuid().ToString("N")[..12], new SandboxLimits(), logger: logger)
        ?? throw new InvalidOperationException("this host has no usable cgroup controller");

    [Fact]
    public async Task Disposal_kills_what_is_left_in_the_session_and_removes_its_cgroups()
    {
        var logger = new RecordingLogger();
        var cgroup = Create(logger);
        using var lingering = Process.Start(new ProcessStartInfo("/bin/sh",
            ["-c", "for d in \"$@\"; do echo $$ > \"$d/cgroup.procs\"; done; exec sleep 1000", "sh", .. cgroup.Directories]))!;
        await WaitUntilAsync(() => cgroup.Processes().Contains(lingering.Id), "the process joined the session's cgroups");

        cgroup.Dispose();

        Assert.True(lingering.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.All(cgroup.Directories, dir => Assert.False(Directory.Exists(dir), dir));
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Disposal_never_throws_when_a_cgroup_stays_busy_and_logs_the_one_left_behind()
    {
        var logger = new RecordingLogger();
        var cgroup = Create(logger);
        // A child cgroup keeps rmdir(2) failing with EBUSY, as a process that will not die does.
        var busy = cgroup.Directories[0];
        var child = Directory.CreateDirectory(Path.Combine(busy, "stuck")).FullName;
        try
        {
            cgroup.Dispose();

            Assert.True(Directory.Exists(busy));
            Assert.All(cgroup.Directories.Skip(1), dir => Assert.False(Directory.Exists(dir), dir));
            var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
            Assert.Contains(busy, warning.Message, StringComparison.Ordinal);
            Assert.IsAssignableFrom<IOException>(warning.Exception);
            // Disposing again is harmless.
            cgroup.Dispose();
        }
        finally
        {
            Directory.Delete(child);
            Directory.Delete(busy);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), what);
            await tick.WaitForNextTickAsync();
        }
    }
}
