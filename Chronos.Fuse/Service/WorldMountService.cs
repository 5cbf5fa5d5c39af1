using System.Collections.Concurrent;
using Chronos.Fuse.FileSystem;
using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chronos.Fuse.Service;

/// <summary>
/// Keeps every configured world mounted: creates a missing world, mounts it (clearing a stale
/// mount and stale handles a crash left), mounts it again if it goes away while the service runs
/// (with back-off while Redis is unreachable), and unmounts everything on SIGTERM. With
/// <see cref="ChronosFuseOptions.MountOnRequest"/> it also mounts the worlds the Gateway of this
/// host requests (WorldMountService.OnRequest.cs).
/// </summary>
internal sealed partial class WorldMountService(
    IOptions<ChronosFuseOptions> options,
    WorldCatalog catalog,
    IConnectionMultiplexer redis,
    IEnumerable<IContentOrigin> origins,
    ISessionResolver sessions,
    ILogger<WorldMountService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, WorldMount> _mounts = new(StringComparer.Ordinal);

    /// <summary>The live mount of each world (for health checks).</summary>
    public IReadOnlyDictionary<string, WorldMount> Mounts => _mounts;

    public string MountPointOf(string world) => Path.Combine(options.Value.MountRoot, world);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.Value.EffectiveWorlds.Select(w => KeepMountedAsync(w, stoppingToken))
            .Append(options.Value.MountOnRequest ? MountOnRequestAsync(stoppingToken) : Task.CompletedTask));

    private async Task KeepMountedAsync(string world, CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            WorldMount mount;
            try
            {
                mount = await MountAsync(world, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(250);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.MountFailed(logger, world, MountPointOf(world), ex);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                continue;
            }
            _mounts[world] = mount;
            await Task.WhenAny(mount.Completion, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                Log.MountEnded(logger, world, mount.MountPoint);
                _mounts.TryRemove(world, out _);
                await mount.UnmountAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<WorldMount> MountAsync(string world, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var info = await catalog.GetAsync(world, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            try
            {
                info = await catalog.CreateAsync(new WorldSpec(world)
                {
                    LowerDirectory = settings.LowerDirectory,
                    QuotaBytes = settings.QuotaBytes,
                    QuotaInodes = settings.QuotaInodes,
                }, cancellationToken).ConfigureAwait(false);
                Log.WorldCreated(logger, world, settings.LowerDirectory);
            }
            catch (WorldExistsException)
            {
                info = await catalog.GetAsync(world, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"world {world} vanished");
            }
        }
        return await MountWorldAsync(world, info, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Mounts an existing world at <see cref="MountPointOf"/>.</summary>
    private async Task<WorldMount> MountWorldAsync(string world, WorldInfo info, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var mountPoint = MountPointOf(world);
        var fileSystem = catalog.Open(world, $"{settings.HostId}:{mountPoint}");
        return await WorldMount.MountAsync(
            fileSystem,
            mountPoint,
            new WorldMountOptions
            {
                FileSystem = new WorldFuseOptions
                {
                    UidShift = settings.UidShift,
                    EntryTimeoutSeconds = settings.EntryTimeoutSeconds,
                    AttrTimeoutSeconds = settings.AttrTimeoutSeconds,
                },
                LowerDirectory = info.LowerDirectory,
                LowerInclude = settings.LowerInclude,
                MaxThreads = settings.MaxThreads,
            },
            redis,
            logger,
            origins,
            sessions,
            cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_mounts.Values.Select(m => m.UnmountAsync())).ConfigureAwait(false);
        _mounts.Clear();
    }
}
