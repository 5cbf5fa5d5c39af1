using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Sessions;

/// <summary>
/// An attacker with a root shell through OpenSSH does their worst; the host, checked from this
/// test process, is unchanged, another session keeps answering before, during and after, and the
/// Gateway still takes new logins.
/// </summary>
public sealed class ContainmentSshTests(ContainedGateway node) : IClassFixture<ContainedGateway>
{
    private Task<ProcessResult> RootAsync(string command) =>
        OpenSsh.RunAsync(node.Server.Port, command, "hunter2", user: "root", keys: node.Keys);

    /// <summary>
    /// Starts <paramref name="script"/> as root behind a <c>read</c>, so the test can find the
    /// session's shell on the host and its cgroup before anything happens; returns the shell's host pid.
    /// </summary>
    private async Task<(OpenSshProcess Ssh, int ShellPid)> StartGatedAsync(string script)
    {
        var command = $": {Guid.NewGuid():N}; read go; {script}";
        var ssh = OpenSsh.Start(node.Server.Port, command, "hunter2", "root", node.Keys);
        try
        {
            return (ssh, await HostProcesses.WaitForAsync(["/bin/bash", "-c", command]));
        }
        catch
        {
            await ssh.DisposeAsync();
            throw;
        }
    }

    private static string ReadCgroupFile(string directory, string file) => File.ReadAllText(Path.Combine(directory, file)).Trim();

    private static long CgroupCounter(string directory, string file, string key)
    {
        foreach (var line in File.ReadAllLines(Path.Combine(directory, file)))
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && parts[0] == key)
            {
                return long.Parse(parts[1], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    private static Task EventuallyAsync(Func<bool> condition, string what) =>
        EventuallyAsync(() => Task.FromResult(condition()), what);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            try
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(what);
            }
        }
    }

    [Fact]
    public async Task A_fork_bomb_hits_the_process_limit_and_dies_with_its_session()
    {
        await node.WatcherAnswersAsync();
        var (bomb, shell) = await StartGatedAsync("b(){ b | b & }; b; read stop; echo bomb-over");
        await using var _ = bomb;
        var pids = HostProcesses.CgroupDirectory(shell, "pids") ?? HostProcesses.CgroupDirectory(shell, "")!;
        Assert.Equal(ContainedGateway.MaxProcesses.ToString(CultureInfo.InvariantCulture), ReadCgroupFile(pids, "pids.max"));

        await bomb.SendLineAsync("go");
        await EventuallyAsync(() => CgroupCounter(pids, "pids.events", "max") > 0, "the fork bomb never hit pids.max");
        Assert.InRange(long.Parse(ReadCgroupFile(pids, "pids.current"), CultureInfo.InvariantCulture), 1, ContainedGateway.MaxProcesses);
        await node.WatcherAnswersAsync();

        await bomb.SendLineAsync("stop");
        bomb.CloseInput();
        var result = await bomb.WaitForExitAsync();
        Assert.Contains("bomb-over", result.StandardOutput, StringComparison.Ordinal);
        // Every process of the bomb is gone from the host with its session.
        await EventuallyAsync(() => !Directory.Exists(pids), $"{pids} still exists");
        await node.WatcherAnswersAsync();
        await node.AssertGatewayServesAsync();
    }

    [Fact]
    public async Task A_memory_bomb_is_killed_by_the_sessions_memory_limit()
    {
        await node.WatcherAnswersAsync();
        var (bomb, shell) = await StartGatedAsync("tail /dev/zero; echo tail-exit=$?; read stop");
        await using var _ = bomb;
        var memory = HostProcesses.CgroupDirectory(shell, "memory") ?? HostProcesses.CgroupDirectory(shell, "")!;
        var v1 = File.Exists(Path.Combine(memory, "memory.limit_in_bytes"));
        Assert.Equal(ContainedGateway.MemoryBytes.ToString(CultureInfo.InvariantCulture), ReadCgroupFile(memory, v1 ? "memory.limit_in_bytes" : "memory.max"));
        // Swap is bounded too, where the kernel accounts it: no bomb can page the host out.
        if (v1 && File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes")))
        {
            Assert.Equal(ContainedGateway.MemoryBytes.ToString(CultureInfo.InvariantCulture), ReadCgroupFile(memory, "memory.memsw.limit_in_bytes"));
        }
        else if (!v1 && File.Exists(Path.Combine(memory, "memory.swap.max")))
        {
            Assert.Equal("0", ReadCgroupFile(memory, "memory.swap.max"));
        }

        await bomb.SendLineAsync("go");
        var during = node.WatcherAnswersAsync();
        await bomb.WaitForOutputAsync("tail-exit=");
        await during;
        // SIGKILL from the cgroup's OOM killer (128 + 9), not tail giving up on its own.
        Assert.Contains("tail-exit=137", bomb.Output, StringComparison.Ordinal);
        Assert.True(v1
            ? CgroupCounter(memory, "memory.oom_control", "oom_kill") > 0
            : CgroupCounter(memory, "memory.events", "oom_kill") > 0, "no OOM kill was counted in the session's memory cgroup");

        bomb.CloseInput();
        await bomb.WaitForExitAsync();
        await node.WatcherAnswersAsync();
        await node.AssertGatewayServesAsync();
    }

    [Fact]
    public async Task Filling_the_disk_stops_at_the_world_quota_and_deleting_frees_it()
    {
        await node.WatcherAnswersAsync();
        var (fill, _) = await StartGatedAsync("dd if=/dev/zero of=/tmp/fill bs=1M count=64; echo dd-exit=$?; read stop");
        await using var __ = fill;
        await fill.SendLineAsync("go");
        var during = node.WatcherAnswersAsync();
        await fill.WaitForOutputAsync("dd-exit=");
        await during;
        fill.CloseInput();
        var result = await fill.WaitForExitAsync();

        Assert.DoesNotContain("dd-exit=0", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(result.StandardError.Contains("No space left on device", StringComparison.Ordinal)
            || result.StandardError.Contains("Disk quota exceeded", StringComparison.Ordinal), result.StandardError);
        Assert.InRange(new FileInfo(Path.Combine(node.MountPoint, "tmp/fill")).Length, 0, ContainedGateway.QuotaBytes);

        // Deleting the file gives the space back to the world (the release can trail the unlink).
        Assert.Equal(0, (await RootAsync("rm /tmp/fill")).ExitCode);
        ProcessResult write = null!;
        await EventuallyAsync(async () =>
        {
            write = await RootAsync("dd if=/dev/zero of=/tmp/after bs=1M count=2 2>/dev/null && stat -c %s /tmp/after && rm /tmp/after");
            return write.ExitCode == 0;
        }, "the world stayed full after the file was deleted");
        Assert.Equal("2097152\n", write.StandardOutput);
        await node.WatcherAnswersAsync();
        await node.AssertGatewayServesAsync();
    }

    [Fact]
    public async Task No_connection_leaves_the_sandbox_for_a_listener_on_the_host()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var targets = new List<string> { "127.0.0.1" };
        targets.AddRange(NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => a.Address.ToString()));

        await node.WatcherAnswersAsync();
        var script = string.Join("; ", targets.Select(ip =>
            $"curl -sS -m 5 http://{ip}:{port}/; echo curl-{ip}=$?; bash -c 'echo > /dev/tcp/{ip}/{port}'; echo tcp-{ip}=$?"));
        var result = await RootAsync(script);

        foreach (var ip in targets)
        {
            Assert.Matches($"curl-{ip.Replace(".", "\\.", StringComparison.Ordinal)}=[1-9]", result.StandardOutput);
            Assert.Matches($"tcp-{ip.Replace(".", "\\.", StringComparison.Ordinal)}=[1-9]", result.StandardOutput);
        }
        Assert.False(listener.Pending(), "a connection from the sandbox reached the host listener");
        await node.WatcherAnswersAsync();
    }

    [Fact]
    public async Task Mounting_fails_and_nothing_is_mounted_on_the_host()
    {
        await node.WatcherAnswersAsync();
        var result = await RootAsync("mount -t tmpfs none /mnt; echo mount-exit=$?; grep -c ' /mnt ' /proc/mounts");

        Assert.Contains("mount-exit=", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("mount-exit=0", result.StandardOutput, StringComparison.Ordinal);
        Assert.EndsWith("\n0\n", result.StandardOutput, StringComparison.Ordinal);
        var hostMounts = await File.ReadAllTextAsync("/proc/self/mountinfo");
        Assert.DoesNotContain(node.MountPoint + "/mnt", hostMounts, StringComparison.Ordinal);
        await node.WatcherAnswersAsync();
    }

    [Fact]
    public async Task Host_files_outside_the_world_cannot_be_read_by_their_path()
    {
        var name = "chronos-canary-" + Guid.NewGuid().ToString("N")[..10];
        var secret = "canary-secret-" + Guid.NewGuid().ToString("N");
        string[] canaries = [Path.Combine("/tmp", name), Path.Combine("/root", name)];
        foreach (var canary in canaries)
        {
            await File.WriteAllTextAsync(canary, secret);
        }
        try
        {
            await node.WatcherAnswersAsync();
            var result = await RootAsync(
                $"cat /tmp/{name}; cat /root/{name}; cat /proc/1/root/tmp/{name}; cat /../../tmp/{name}; cat {node.MountPoint}/../../../tmp/{name}; echo read-done");

            Assert.Contains("read-done", result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.StandardError, StringComparison.Ordinal);
            Assert.Contains($"cat: /tmp/{name}: No such file or directory", result.StandardError, StringComparison.Ordinal);
            Assert.Contains($"cat: /root/{name}: No such file or directory", result.StandardError, StringComparison.Ordinal);
            foreach (var canary in canaries)
            {
                Assert.Equal(secret, await File.ReadAllTextAsync(canary));
            }
            await node.WatcherAnswersAsync();
        }
        finally
        {
            foreach (var canary in canaries)
            {
                File.Delete(canary);
            }
        }
    }

    [Fact]
    public async Task Host_processes_can_be_neither_seen_nor_killed()
    {
        var duration = "1000." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        using var sleep = Process.Start(new ProcessStartInfo("sleep", [duration]) { UseShellExecute = false })!;
        try
        {
            await node.WatcherAnswersAsync();
            var result = await RootAsync(
                $"ps -eo pid,args; ls /proc/{sleep.Id} >/dev/null 2>&1 && echo sees-$((1+1)); kill -9 {sleep.Id}; echo kill-exit-$?; kill -9 -1; echo kill-all-$((2+2))");

            // ps lists this very command line, so every marker is printed through arithmetic.
            Assert.DoesNotContain(duration, result.StandardOutput, StringComparison.Ordinal);
            Assert.DoesNotContain("sees-2", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("kill-exit-1", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("No such process", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("kill-all-4", result.StandardOutput, StringComparison.Ordinal);
            Assert.False(sleep.HasExited);
            Assert.True(HostProcesses.IsAlive(sleep.Id));
            // The watcher is another session: kill -1 inside one sandbox does not reach it either.
            await node.WatcherAnswersAsync();
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public async Task Read_only_binds_refuse_writes_and_the_lower_layer_is_never_written()
    {
        var boundBefore = await ContainedGateway.FingerprintAsync(node.ReadOnlyHost);
        var lowerBefore = await ContainedGateway.FingerprintAsync(node.Lower);
        var usrBefore = (await ProcessRunner.BashAsync("stat -c '%Y %s %i' /usr/bin /usr/bin/ls")).EnsureSuccess().StandardOutput;

        await node.WatcherAnswersAsync();
        var result = await RootAsync("""
            touch /srv/ro/new; echo x >> /srv/ro/file; rm -f /srv/ro/file; chmod 777 /srv/ro/sub; mv /srv/ro/sub /srv/ro/moved
            touch /usr/bin/pwned; echo x >> /usr/bin/ls
            echo changed >> /srv/lower-dir/file; touch /srv/lower-dir/new; chmod 600 /srv/lower-dir/file
            mv /srv/lower-dir /srv/moved-dir && cat /srv/moved-dir/file
            """);

        // Seven writes, seven refusals: EROFS, or EACCES first where the host file's owner is
        // unmapped in the session's user namespace (root inside has no rights over host root's files).
        Assert.True(7 == result.StandardError.Split('\n').Count(l =>
            l.EndsWith(": Read-only file system", StringComparison.Ordinal) || l.EndsWith(": Permission denied", StringComparison.Ordinal)), result.StandardError);
        // The world took the writes to lower-layer files as its own copies.
        Assert.Equal("lower-original\nchanged\n", result.StandardOutput);
        Assert.Equal("lower-original\nchanged\n", await File.ReadAllTextAsync(Path.Combine(node.MountPoint, "srv/moved-dir/file")));

        Assert.Equal(boundBefore, await ContainedGateway.FingerprintAsync(node.ReadOnlyHost));
        Assert.Equal(lowerBefore, await ContainedGateway.FingerprintAsync(node.Lower));
        Assert.Equal(usrBefore, (await ProcessRunner.BashAsync("stat -c '%Y %s %i' /usr/bin /usr/bin/ls")).EnsureSuccess().StandardOutput);
        Assert.False(File.Exists("/usr/bin/pwned"));
        await node.WatcherAnswersAsync();
    }
}
