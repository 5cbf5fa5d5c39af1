using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Sessions;
using Chronos.Gateway.Ssh.Connection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of sandboxed sessions: every session channel runs as a real program on the world's mount.</summary>
public static class SandboxExtensions
{
    /// <summary>
    /// Registers the sandbox as the Gateway's session handler when <c>Gateway:Sandbox:Enabled</c>
    /// is true. Without it the Gateway refuses shell, exec and subsystem requests as sshd refuses
    /// a session it cannot start (it never fakes output).
    /// </summary>
    public static TBuilder AddChronosSandbox<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.Configuration.GetValue($"{SandboxOptions.Section}:Enabled", false))
        {
            return builder;
        }
        builder.Services.AddOptions<SandboxOptions>()
            .Bind(builder.Configuration.GetSection(SandboxOptions.Section))
            .Validate(o => Path.IsPathRooted(o.MountRoot), "Gateway:Sandbox:MountRoot must be absolute")
            .Validate(o => o.IdShift >= 65_536, "Gateway:Sandbox:IdShift must leave the host's own ids (0..65535) unmapped")
            .Validate(o => o.MountWait > TimeSpan.Zero && o.MountLease >= TimeSpan.FromSeconds(3), "Gateway:Sandbox:MountWait must be positive and MountLease at least 3 s")
            .Validate(o => !string.IsNullOrWhiteSpace(o.HostId), "Gateway:Sandbox:HostId must not be empty")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<LiveSandboxes>();
        builder.Services.TryAddSingleton<ISshSessionHandler, SandboxSessionHandler>();
        // Registered before the SSH server, so it stops after it: the server waits for its
        // connections (whose sessions were killed at the first stop signal), then this removes
        // what a connection out of time left. ShutdownTimeout bounds the whole: every session's
        // kill is immediate, its disposal (exit, cgroup removal) takes up to 15 s when a process
        // will not die; 20 s fits that and stays below systemd's TimeoutStopSec (90 s).
        builder.Services.AddHostedService<SandboxShutdown>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = o.ShutdownTimeout > ShutdownTimeout ? o.ShutdownTimeout : ShutdownTimeout);
        if (builder.Configuration.GetConnectionString("redis") is not null
            && builder.Configuration.GetValue($"{SandboxOptions.Section}:{nameof(SandboxOptions.RequestMounts)}", true))
        {
            // Worlds are mounted on request by the Chronos.Fuse of this host (mount leases in Redis).
            builder.Services.TryAddSingleton<WorldMountLeases>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<WorldMountLeases>());
        }
        builder.Services.AddHostedService<SandboxPreflight>();
        return builder;
    }

    /// <summary>The least time a Gateway with sandboxes gets to stop (HostOptions.ShutdownTimeout; a longer one configured stays).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Kills every sandbox at the host's first stop signal (ApplicationStopping, before any
    /// service stops), and at its own stop, after the SSH server's, removes the cgroups of the
    /// sessions whose disposal did not run.
    /// </summary>
    private sealed class SandboxShutdown(LiveSandboxes live, IHostApplicationLifetime lifetime) : IHostedService, IDisposable
    {
        private CancellationTokenRegistration _stopping;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _stopping = lifetime.ApplicationStopping.Register(live.KillAll);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            live.RemoveLeftovers();
            return Task.CompletedTask;
        }

        public void Dispose() => _stopping.Dispose();
    }

    /// <summary>Checks, once at start, that this host can sandbox at all, and says exactly what is missing.</summary>
    private sealed class SandboxPreflight(IOptions<SandboxOptions> options, ILogger<SandboxPreflight> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var (tool, package) in new[] { ("bwrap", "bubblewrap"), ("newuidmap", "uidmap"), ("unshare", "util-linux"), ("prlimit", "util-linux"), ("setsid", "util-linux") })
            {
                if (!OnPath(tool))
                {
                    throw new InvalidOperationException($"{tool} not found: apt-get install {package}");
                }
            }
            if (SubordinateIds.Ensure(options.Value.IdShift, 65_536))
            {
                Chronos.Gateway.Log.SubordinateIdsAdded(logger, options.Value.IdShift);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static bool OnPath(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
                .Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/sbin").Append("/usr/bin")
                .Any(dir => File.Exists(Path.Combine(dir, tool)));
    }
}
