using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chronos.Fuse.Service;

/// <summary>Healthy while the world's mount is served by this process.</summary>
internal sealed class FuseMountHealthCheck(WorldMountService mounts, string world) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var mountPoint = mounts.MountPointOf(world);
        return Task.FromResult(mounts.Mounts.TryGetValue(world, out var mount) && mount.IsServing
            ? HealthCheckResult.Healthy($"{world} mounted at {mountPoint}")
            : HealthCheckResult.Unhealthy($"{world} is not mounted at {mountPoint}"));
    }
}
