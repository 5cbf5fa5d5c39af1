using StackExchange.Redis;

namespace Chronos.AppHost.Tests;

/// <summary>The AppHost as a user runs it: <c>dotnet Chronos.AppHost.dll</c>, then SIGTERM or SIGKILL.</summary>
public sealed class AppHostEndToEndTests
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Starts_redis_with_AOF_and_a_healthy_hypervisor_and_stops_everything_on_SIGTERM()
    {
        await using var apphost = AppHostProcess.Start();
        await apphost.WaitUntilUpAsync();

        var redisPid = apphost.Row("redis").Pid!.Value;
        var (hypervisorState, hypervisorUrl, hypervisorPid) = apphost.Row("hypervisor");
        Assert.Equal("Healthy", hypervisorState);

        await using (var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{apphost.RedisPort},allowAdmin=true"))
        {
            var server = redis.GetServers()[0];
            Assert.Equal("PONG", (string?)await redis.GetDatabase().ExecuteAsync("PING"));
            Assert.Equal("yes", (await server.ConfigGetAsync("appendonly")).Single().Value);
            Assert.Equal("everysec", (await server.ConfigGetAsync("appendfsync")).Single().Value);
            Assert.Equal(Path.Combine(apphost.StateDirectory, "redis"), (await server.ConfigGetAsync("dir")).Single().Value);
            Assert.Equal("127.0.0.1", (await server.ConfigGetAsync("bind")).Single().Value);
        }

        using (var http = new HttpClient())
        {
            var health = await http.GetAsync(new Uri(hypervisorUrl + "/health"));
            Assert.True(health.IsSuccessStatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            // The real Program.cs serves the world API against the Redis the AppHost started.
            Assert.Equal("[]", await http.GetStringAsync(new Uri(hypervisorUrl + "/api/worlds")));
            var problem = await http.GetAsync(new Uri(hypervisorUrl + "/api/worlds/nosuch"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, problem.StatusCode);
            Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        }

        apphost.Signal("TERM");
        Assert.Equal(0, await apphost.WaitForExitAsync(StopDeadline));
        Assert.Empty(await ProcFs.WaitAllGoneAsync([redisPid, hypervisorPid!.Value], TimeSpan.FromSeconds(5)));
        Assert.Empty(ProcFs.FindByCommandLine(apphost.StateDirectory));
        // Redis was asked to SHUTDOWN (AOF fsync'd) and exited 0, after the service that uses it.
        var output = apphost.Output;
        Assert.Contains("Calling fsync() on the AOF file", output, StringComparison.Ordinal);
        Assert.True(output.IndexOf("hypervisor stopped (exit code 0)", StringComparison.Ordinal) < output.IndexOf("redis stopped (exit code 0)", StringComparison.Ordinal));
        Assert.True(Directory.EnumerateFiles(Path.Combine(apphost.StateDirectory, "redis", "appendonlydir"), "*.aof").Any());
    }

    [Fact]
    public async Task Prefixes_every_child_line_with_its_name()
    {
        await using var apphost = AppHostProcess.Start();
        await apphost.WaitUntilUpAsync();
        // Padded to the longest name ("[hypervisor]"), so every prefix has the same width.
        Assert.Contains(apphost.Lines, l => l.StartsWith("[redis]      ", StringComparison.Ordinal) && l.Contains("Ready to accept connections", StringComparison.Ordinal));
        Assert.Contains(apphost.Lines, l => l.StartsWith("[hypervisor] ", StringComparison.Ordinal) && l.Contains("Now listening on", StringComparison.Ordinal));
        Assert.Contains(apphost.Lines, l => l.StartsWith("[apphost]    ", StringComparison.Ordinal));
        Assert.DoesNotContain(apphost.Lines, l => l.Contains('\e', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Data_written_before_a_stop_is_there_after_a_restart_on_the_same_state_directory()
    {
        var state = AppHostProcess.NewStateDirectory();
        await using (var first = AppHostProcess.Start(state))
        {
            await first.WaitUntilUpAsync();
            await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{first.RedisPort}");
            await redis.GetDatabase().StringSetAsync("chronos:test:durable", "kept");
            first.Signal("TERM");
            Assert.Equal(0, await first.WaitForExitAsync(StopDeadline));
        }
        await using (var second = AppHostProcess.Start(state))
        {
            await second.WaitUntilUpAsync();
            await using var again = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{second.RedisPort}");
            Assert.Equal("kept", (string?)await again.GetDatabase().StringGetAsync("chronos:test:durable"));
        }
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public async Task SIGKILL_of_the_AppHost_leaves_no_orphan()
    {
        await using var apphost = AppHostProcess.Start();
        await apphost.WaitUntilUpAsync();
        var children = new[] { apphost.Row("redis").Pid!.Value, apphost.Row("hypervisor").Pid!.Value };
        Assert.All(children, pid => Assert.True(ProcFs.IsAlive(pid)));

        apphost.Signal("KILL");
        await apphost.WaitForExitAsync(StopDeadline);
        // PR_SET_PDEATHSIG: redis-server gets SIGTERM (and fsyncs its AOF), the service SIGKILL.
        Assert.Empty(await ProcFs.WaitAllGoneAsync(children, TimeSpan.FromSeconds(15)));
        Assert.Empty(ProcFs.FindByCommandLine(apphost.StateDirectory));
    }

    [Fact]
    public async Task ConnectionStrings_redis_set_means_no_redis_server_is_started()
    {
        await using var external = await Chronos.Testing.RedisServer.StartAsync();
        await using var apphost = AppHostProcess.Start(environment: new Dictionary<string, string?>
        {
            ["ConnectionStrings__redis"] = external.ConnectionString,
        });
        await apphost.WaitUntilUpAsync();

        Assert.Equal("External", apphost.Row("redis").State);
        Assert.Null(apphost.Row("redis").Pid);
        Assert.Equal("Healthy", apphost.Row("hypervisor").State);
        var children = ProcFs.ChildrenOf(apphost.Pid);
        Assert.Equal([apphost.Row("hypervisor").Pid!.Value], children);
        Assert.Empty(ProcFs.FindByCommandLine(Path.Combine(apphost.StateDirectory, "redis")));
        // The hypervisor's own health check pings the external server.
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(apphost.Row("hypervisor").Endpoint + "/health")));
    }

    [Fact]
    public async Task A_missing_redis_server_is_one_line_naming_the_package_and_exit_code_1()
    {
        // A PATH with the AppHost's own tools but no redis-server.
        var bin = AppHostProcess.NewStateDirectory();
        foreach (var tool in new[] { "setpriv", "setsid" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), "/usr/bin/" + tool);
        }
        await using var apphost = AppHostProcess.Start(environment: new Dictionary<string, string?> { ["PATH"] = bin });
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(["[apphost] redis-server not found: apt-get install redis-server"], apphost.Lines.Where(l => l.Length > 0).ToArray());
        Directory.Delete(bin, recursive: true);
    }

    [Fact]
    public async Task An_unknown_service_in_the_settings_is_one_line_and_exit_code_1()
    {
        await using var apphost = AppHostProcess.Start(environment: new Dictionary<string, string?>
        {
            ["Chronos__AppHost__Services"] = "hypervisor,nosuch",
        });
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(apphost.Lines, l => l.Length > 0);
        Assert.Equal("[apphost] Chronos:AppHost:Services names 'nosuch', which is not a service (known: hypervisor, persona, fuse, gateway)", line);
    }

    [Fact]
    public async Task A_resource_that_never_gets_ready_fails_the_start_stops_the_rest_and_exits_1()
    {
        var nothing = Chronos.Testing.FreePort.Next();
        await using var apphost = AppHostProcess.Start(environment: new Dictionary<string, string?>
        {
            ["ConnectionStrings__redis"] = $"127.0.0.1:{nothing}",
            ["Chronos__AppHost__StartTimeoutSeconds"] = "2",
        });
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(apphost.Lines, l => l.EndsWith($"start failed: redis (127.0.0.1:{nothing}) was not ready within 2 s", StringComparison.Ordinal));
        Assert.DoesNotContain(apphost.Lines, l => l.StartsWith("[hypervisor]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_doubled_SIGTERM_still_stops_cleanly()
    {
        await using var apphost = AppHostProcess.Start();
        await apphost.WaitUntilUpAsync();
        // As timeout(1) does: the process, then its group, at once.
        apphost.Signal("TERM");
        apphost.Signal("TERM");
        Assert.Equal(0, await apphost.WaitForExitAsync(StopDeadline));
        Assert.Contains(apphost.Lines, l => l.EndsWith("redis stopped (exit code 0)", StringComparison.Ordinal));
        Assert.DoesNotContain(apphost.Lines, l => l.Contains("killing every child", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_service_that_dies_is_reported_and_the_stop_is_still_clean()
    {
        await using var apphost = AppHostProcess.Start();
        await apphost.WaitUntilUpAsync();
        var hypervisor = apphost.Row("hypervisor").Pid!.Value;
        System.Diagnostics.Process.GetProcessById(hypervisor).Kill();
        await apphost.WaitForLineAsync(l => l.EndsWith("hypervisor exited unexpectedly with code 137", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        apphost.Signal("TERM");
        Assert.Equal(0, await apphost.WaitForExitAsync(StopDeadline));
        Assert.Contains(apphost.Lines, l => l.EndsWith("redis stopped (exit code 0)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_directory_that_cannot_be_created_is_one_line_and_exit_code_1()
    {
        var file = Path.GetTempFileName();
        await using var apphost = AppHostProcess.Start(environment: new Dictionary<string, string?> { ["Chronos__AppHost__StateDir"] = Path.Combine(file, "state") });
        Assert.Equal(1, await apphost.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(apphost.Lines, l => l.Length > 0);
        Assert.StartsWith($"[apphost] state directory {file}/state: ", line, StringComparison.Ordinal);
        File.Delete(file);
    }
}
