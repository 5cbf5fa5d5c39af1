using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chronos.Gateway.Sessions;

/// <summary>
/// Keeps the worlds this Gateway's connections run in mounted by the Chronos.Fuse of this host:
/// requests a mount when a world gets its first connection (<see cref="MountRequests"/>), renews
/// the lease every third of <see cref="SandboxOptions.MountLease"/> while connections hold it, and
/// lets it lapse (or gives it up at once, before a world is deleted) when the last one ends.
/// A program starts only once its world's mount point is a live FUSE mount in /proc/self/mountinfo.
/// </summary>
public sealed class WorldMountLeases : BackgroundService
{
    private readonly MountRequests _requests;
    private readonly SandboxOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);

    public WorldMountLeases(IConnectionMultiplexer redis, IOptions<SandboxOptions> options, ILogger<WorldMountLeases> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _requests = new MountRequests(redis, _options.HostId);
        _logger = logger;
    }

    public string MountPointOf(string world) => Path.Combine(_options.MountRoot, world);

    /// <summary>Worlds with at least one connection holding them.</summary>
    public IReadOnlyCollection<string> Held
    {
        get
        {
            lock (_held)
            {
                return [.. _held.Keys];
            }
        }
    }

    public async Task AcquireAsync(string world)
    {
        lock (_held)
        {
            _held[world] = _held.GetValueOrDefault(world) + 1;
        }
        try
        {
            await _requests.RequestAsync(world, _options.MountLease);
        }
        catch
        {
            await ReleaseAsync(world, unmountNow: false);
            throw;
        }
    }

    /// <summary>One connection is done with <paramref name="world"/>. Returns true when it was the last one
    /// (with <paramref name="unmountNow"/> the request is then withdrawn at once instead of left to lapse).</summary>
    public async Task<bool> ReleaseAsync(string world, bool unmountNow)
    {
        lock (_held)
        {
            var count = _held.GetValueOrDefault(world) - 1;
            if (count > 0)
            {
                _held[world] = count;
                return false;
            }
            _held.Remove(world);
        }
        if (unmountNow)
        {
            await _requests.ReleaseAsync(world);
        }
        return true;
    }

    /// <summary>Waits, polling with back-off up to <see cref="SandboxOptions.MountWait"/>, until the world's
    /// mount point is a live FUSE mount (listed as fuse and answering stat: a dead daemon's mount does not).</summary>
    /// <exception cref="TimeoutException">Chronos.Fuse did not mount the world in time.</exception>
    public async Task WaitUntilMountedAsync(string world, CancellationToken cancellationToken)
    {
        if (!await PollAsync(() => IsLiveMount(MountPointOf(world)), cancellationToken))
        {
            throw new TimeoutException($"world {world} was not mounted at {MountPointOf(world)} within {_options.MountWait.TotalSeconds} s");
        }
    }

    /// <summary>True once the world's mount point is no longer a mount (false when still mounted at the deadline).</summary>
    public Task<bool> WaitUntilUnmountedAsync(string world, CancellationToken cancellationToken) =>
        PollAsync(() => MountInfo.At(MountInfo.Read(), MountPointOf(world)) is not { IsFuse: true }, cancellationToken);

    public static bool IsLiveMount(string mountPoint) =>
        MountInfo.At(MountInfo.Read(), mountPoint) is { IsFuse: true } && Directory.Exists(mountPoint);

    private async Task<bool> PollAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.MountWait;
        var pause = TimeSpan.FromMilliseconds(10);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 250));
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.MountLease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await _requests.RenewAsync(Held, _options.MountLease);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // The next tick tries again; a lease outlives two missed renewals.
                    Log.MountLeaseRenewalFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
