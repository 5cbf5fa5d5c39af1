using System.Text;
using Chronos.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>A Gateway told to stop (SIGTERM, the AppHost's stop) leaves no session and no cgroup behind.</summary>
public sealed class GatewayShutdownTests
{
    [Fact]
    public async Task Stopping_the_host_kills_every_session_and_removes_its_cgroups_before_it_returns()
    {
        var gateway = new SandboxedGateway();
        await gateway.InitializeAsync();
        try
        {
            Assert.True(gateway.Server.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout >= SandboxExtensions.ShutdownTimeout);
            var sessions = new List<OpenSshTerminal>();
            var cgroups = new List<string>();
            try
            {
                // Two sessions, each with a process that would run for days.
                for (var i = 0; i < 2; i++)
                {
                    var ssh = await OpenSshTerminal.LoginAsync(gateway.Server.Port, "root", "hunter2", gateway.Keys);
                    sessions.Add(ssh);
                    var marker = Random.Shared.Next(1_000_000, 9_000_000);
                    await ssh.TypeAsync($"sleep {marker} & echo started-$((40+2))\r");
                    await ssh.Screen.WaitForAsync("started-42", timeout: TimeSpan.FromSeconds(60));
                    cgroups.AddRange(HostCgroupsOf(await HostPidOfAsync($"sleep\0{marker}\0")));
                }
                Assert.NotEmpty(cgroups);

                await gateway.Server.StopAsync();

                // Removed before StopAsync returned: a host exiting now leaves nothing behind.
                Assert.All(cgroups, dir => Assert.False(Directory.Exists(dir), dir));
            }
            finally
            {
                foreach (var ssh in sessions)
                {
                    await ssh.DisposeAsync();
                }
            }
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>The host pid of the one process whose command line is <paramref name="cmdline"/>.</summary>
    private static async Task<int> HostPidOfAsync(string cmdline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    if (int.TryParse(Path.GetFileName(dir), out var pid) && Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(dir, "cmdline"))) == cmdline)
                    {
                        return pid;
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Exited while listed.
                }
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"no host process runs {cmdline}");
            await tick.WaitForNextTickAsync();
        }
    }

    /// <summary>The session cgroup directories a host process is in, from its /proc/&lt;pid&gt;/cgroup.</summary>
    private static List<string> HostCgroupsOf(int pid) =>
        [.. File.ReadAllLines($"/proc/{pid}/cgroup")
            .Select(line => line.Split(':', 3))
            .Where(parts => parts[2].Contains("/chronos-session-", StringComparison.Ordinal))
            .Select(parts => Path.Join("/sys/fs/cgroup", parts[1].Length == 0 ? "unified" : parts[1].Replace("name=", "", StringComparison.Ordinal), parts[2]))];
}
