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
        builder.Services.TryAddSingleton<ISshSessionHandler, SandboxSessionHandler>();
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
