using Chronos.Fuse.Coherence;
using Chronos.Fuse.FileSystem;
using Chronos.Fuse.Layers;
using Chronos.Fuse.Session;
using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.FileSystem;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Fuse;

/// <summary>Everything that decides how one world is mounted.</summary>
public sealed record WorldMountOptions
{
    public WorldFuseOptions FileSystem { get; init; } = new();

    /// <summary>The read-only host directory the world is layered on, if any (its root must be lazy with origin "lower:").</summary>
    public string? LowerDirectory { get; init; }

    /// <summary>Top-level names taken from the lower directory; empty = all.</summary>
    public IReadOnlyList<string> LowerInclude { get; init; } = [];

    /// <summary>libfuse worker threads.</summary>
    public int MaxThreads { get; init; } = 8;

    /// <summary>libfuse's -d (every request on stderr).</summary>
    public bool Debug { get; init; }
}

/// <summary>
/// A world mounted on a directory through the kernel: the public face of Chronos.Fuse. Mounting
/// clears a stale mount left by a crash at the same place and releases the handles the crashed
/// process held (same <see cref="IWorldFileSystem.ClientId"/>); disposing unmounts.
/// </summary>
public sealed class WorldMount : IAsyncDisposable
{
    private readonly FuseSession _session;
    private readonly WorldChangeFeed? _feed;
    private readonly LowerLayer? _lower;

    private readonly IWorldFileSystem _world;
    private readonly ILogger _logger;

    private WorldMount(IWorldFileSystem world, string mountPoint, FuseSession session, WorldChangeFeed? feed, LowerLayer? lower, WorldFuseFileSystem fileSystem, ILogger logger)
    {
        _world = world;
        _logger = logger;
        World = world.World;
        MountPoint = mountPoint;
        _session = session;
        _feed = feed;
        _lower = lower;
        FileSystem = fileSystem;
    }

    public string World { get; }

    public string MountPoint { get; }

    /// <summary>Completes when libfuse stops serving the mount (unmounted from outside, or stopped).</summary>
    public Task Completion => _session.Completion;

    public bool IsServing => _session.IsServing;

    internal WorldFuseFileSystem FileSystem { get; }

    public static async Task<WorldMount> MountAsync(
        IWorldFileSystem world,
        string mountPoint,
        WorldMountOptions options,
        IConnectionMultiplexer? redis,
        ILogger logger,
        IEnumerable<IContentOrigin>? origins = null,
        ISessionResolver? sessions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        mountPoint = Path.GetFullPath(mountPoint);
        PrepareMountPoint(mountPoint, logger);

        var released = await world.ReleaseAllHandlesAsync(cancellationToken).ConfigureAwait(false);
        if (released > 0)
        {
            Log.ReleasedStaleHandles(logger, released, world.ClientId);
        }
        var root = await world.GetAttrAsync(1, cancellationToken).ConfigureAwait(false);
        if (!root.IsOk)
        {
            throw new InvalidOperationException($"world {world.World} has no root directory ({root.Error})");
        }

        var allOrigins = new List<IContentOrigin>(origins ?? []);
        LowerLayer? lower = null;
        if (options.LowerDirectory is { Length: > 0 } lowerDirectory)
        {
            lower = new LowerLayer(lowerDirectory, options.LowerInclude);
            allOrigins.RemoveAll(o => o.Scheme == LowerOrigin.SchemeName);
            allOrigins.Add(new LowerOrigin(lower, logger));
        }
        var feed = redis is null ? null : new WorldChangeFeed(redis, world.World, world.ClientId, logger);
        var fileSystem = new WorldFuseFileSystem(
            world, root.Value, options.FileSystem, allOrigins, sessions ?? new CgroupSessionResolver(), (IChangePublisher?)feed ?? NoChanges.Instance, logger);
        var session = new FuseSession(fileSystem, new FuseSessionOptions { MaxThreads = options.MaxThreads, Debug = options.Debug }, logger);
        try
        {
            session.Mount(mountPoint);
            if (feed is not null)
            {
                await feed.StartAsync(session, fileSystem).ConfigureAwait(false);
            }
        }
        catch
        {
            await session.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            lower?.Dispose();
            throw;
        }
        return new WorldMount(world, mountPoint, session, feed, lower, fileSystem, logger);
    }

    /// <summary>Creates the directory; a dead FUSE mount on it (ENOTCONN) is detached first.</summary>
    private static void PrepareMountPoint(string mountPoint, ILogger logger)
    {
        if (MountTable.IsMounted(mountPoint))
        {
            if (!MountTable.IsStale(mountPoint))
            {
                throw new InvalidOperationException($"{mountPoint} is already a live mount");
            }
            Log.StaleMount(logger, mountPoint);
            MountTable.Unmount(mountPoint, logger);
        }
        Directory.CreateDirectory(mountPoint);
    }

    /// <summary>
    /// Unmounts, then drops every handle this mount still holds in Redis and its handle lease,
    /// so that inodes unlinked while open here (and any unlinked elsewhere while the lease ran)
    /// are freed at once instead of waiting for the next mount with this client id.
    /// </summary>
    public async Task UnmountAsync()
    {
        if (Interlocked.Exchange(ref _unmounted, 1) != 0)
        {
            return;
        }
        if (_feed is not null)
        {
            await _feed.DisposeAsync().ConfigureAwait(false);
        }
        await _session.StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _lower?.Dispose();
        // No request can open a handle any more; registrations already queued are dropped and
        // one in flight is waited for, so none reaches Redis after the release.
        await FileSystem.StopRegisteringAsync().ConfigureAwait(false);
        try
        {
            var released = await _world.ReleaseAllHandlesAsync().ConfigureAwait(false);
            if (released > 0)
            {
                Log.ReleasedHandlesAtUnmount(_logger, released, _world.ClientId);
            }
        }
        catch (Exception ex) when (FuseErrors.IsInfrastructure(ex))
        {
            Log.ReleaseAtUnmountFailed(_logger, _world.ClientId, ex.Message);
        }
    }

    private int _unmounted;

    public async ValueTask DisposeAsync() => await UnmountAsync().ConfigureAwait(false);

    private sealed class NoChanges : IChangePublisher
    {
        public static readonly NoChanges Instance = new();

        public void InodeChanged(ulong ino)
        {
        }

        public void EntryChanged(ulong parent, string name)
        {
        }

        public void InvalidateHere(ulong ino)
        {
        }
    }
}
