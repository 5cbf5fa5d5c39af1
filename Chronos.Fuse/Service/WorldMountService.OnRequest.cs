using System.Collections.Concurrent;
using System.Threading.Channels;
using Chronos.Fuse.Session;
using Chronos.Hypervisor.Worlds;

namespace Chronos.Fuse.Service;

/// <summary>
/// Mounts on request: the Gateway of this host asks for a world through <see cref="MountRequests"/>
/// (a lease in Redis and a pub/sub notice). One loop reconciles on every notice and every
/// <see cref="ChronosFuseOptions.ReconcileInterval"/> (notices are lost while Redis is away): it mounts
/// wanted worlds that exist in the catalog (never creates one), and unmounts a world mounted on request
/// whose lease lapsed or that left the catalog, once nothing uses it. A busy mount stays until a later
/// pass finds it idle: it is never detached lazily under a session. Configured worlds are never touched.
/// </summary>
internal sealed partial class WorldMountService
{
    private readonly ConcurrentDictionary<string, WorldMount> _onRequest = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>The worlds mounted on request right now.</summary>
    public IReadOnlyCollection<string> MountedOnRequest => [.. _onRequest.Keys];

    private async Task MountOnRequestAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var requests = new MountRequests(redis, settings.HostId);
        IAsyncDisposable? subscription = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    subscription ??= await requests.SubscribeAsync(_ => _wake.Writer.TryWrite(true)).ConfigureAwait(false);
                    await ReconcileAsync(requests, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.ReconcileFailed(logger, ex);
                }
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                tick.CancelAfter(settings.ReconcileInterval);
                try
                {
                    await _wake.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The interval passed without a notice: reconcile anyway.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task ReconcileAsync(MountRequests requests, CancellationToken cancellationToken)
    {
        var configured = options.Value.EffectiveWorlds.ToHashSet(StringComparer.Ordinal);
        var wanted = (await requests.WantedAsync().ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

        foreach (var (world, mount) in _onRequest)
        {
            if (!mount.IsServing)
            {
                // Unmounted from outside or the session failed: forget it; a wanted world is mounted again below.
                Log.MountEnded(logger, world, mount.MountPoint);
                Forget(world, mount);
                await mount.UnmountAsync().ConfigureAwait(false);
            }
        }

        foreach (var world in wanted)
        {
            if (configured.Contains(world) || _onRequest.ContainsKey(world))
            {
                continue;
            }
            if (await catalog.GetAsync(world, cancellationToken).ConfigureAwait(false) is not { } info)
            {
                // Never created here: a request names a world the Gateway made (or one that is being branched).
                Log.RequestedWorldMissing(logger, world);
                continue;
            }
            try
            {
                var mount = await MountWorldAsync(world, info, cancellationToken).ConfigureAwait(false);
                _onRequest[world] = mount;
                _mounts[world] = mount;
                Log.MountedOnRequest(logger, world, mount.MountPoint);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.MountFailed(logger, world, MountPointOf(world), ex);
            }
        }

        // One read of the catalog's name set (a delete removes the name first) instead of one per mount.
        var catalogued = (await redis.GetDatabase().SetMembersAsync(Hypervisor.Keys.Worlds).ConfigureAwait(false))
            .Select(n => (string)n!).ToHashSet(StringComparer.Ordinal);
        foreach (var (world, mount) in _onRequest)
        {
            var exists = catalogued.Contains(world) || await catalog.GetAsync(world, cancellationToken).ConfigureAwait(false) is not null;
            if (wanted.Contains(world) && exists)
            {
                continue;
            }
            await UnmountIfIdleAsync(requests, world, mount, exists).ConfigureAwait(false);
        }

        await requests.ForgetLapsedAsync().ConfigureAwait(false);
    }

    private async Task UnmountIfIdleAsync(MountRequests requests, string world, WorldMount mount, bool exists)
    {
        var mountPoint = mount.MountPoint;
        if (MountTable.DeviceOf(mountPoint) is { } device && await MountNamespaces.HoldElsewhereAsync(device, mountPoint).ConfigureAwait(false))
        {
            Log.KeptBusyMount(logger, world, mountPoint, "a process in another mount namespace (a sandbox) uses it");
            return;
        }
        // A session may have asked for the world again since the request set was read.
        if (exists && await requests.IsWantedAsync(world).ConfigureAwait(false))
        {
            return;
        }
        if (MountTable.TryUnmountIdle(mountPoint) == IdleUnmount.Busy)
        {
            Log.KeptBusyMount(logger, world, mountPoint, "a process has a file or its working directory in it");
            return;
        }
        Forget(world, mount);
        // The kernel has let go of the mount: stopping the session only ends libfuse's loop.
        await mount.UnmountAsync().ConfigureAwait(false);
        Log.UnmountedOnRequest(logger, world, mountPoint, exists ? "its lease lapsed" : "it left the catalog");
    }

    private void Forget(string world, WorldMount mount)
    {
        _onRequest.TryRemove(new KeyValuePair<string, WorldMount>(world, mount));
        _mounts.TryRemove(new KeyValuePair<string, WorldMount>(world, mount));
    }
}
