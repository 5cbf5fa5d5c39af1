using Chronos.Fuse.Service;
using Chronos.Fuse.Sessions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class FuseServiceExtensions
{
    /// <summary>
    /// Mounts the worlds of <c>Chronos:Fuse</c> (see <see cref="ChronosFuseOptions"/>) and keeps
    /// them mounted, with one health check per world. Needs <c>AddChronosHypervisor</c> first.
    /// </summary>
    public static TBuilder AddChronosFuse<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(ChronosFuseOptions.Section);
        builder.Services.Configure<ChronosFuseOptions>(section);
        builder.Services.AddSingleton<ISessionResolver, CgroupSessionResolver>();
        builder.Services.AddSingleton<WorldMountService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WorldMountService>());
        // Unmounting waits for in-flight requests and the libfuse loop; give it time on SIGTERM.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var configured = section.Get<ChronosFuseOptions>() ?? new ChronosFuseOptions();
        var health = builder.Services.AddHealthChecks();
        foreach (var world in configured.EffectiveWorlds)
        {
            health.Add(new HealthCheckRegistration(
                "fuse-" + world,
                sp => new FuseMountHealthCheck(sp.GetRequiredService<WorldMountService>(), world),
                HealthStatus.Unhealthy,
                ["ready"]));
        }
        return builder;
    }
}
