using System.Collections.Concurrent;
using System.Text;
using Chronos.Fuse.Coherence;
using Chronos.Fuse.Layers;
using Chronos.Fuse.Native;
using Chronos.Fuse.Session;
using Chronos.Fuse.Sessions;
using Chronos.Hypervisor.FileSystem;
using Microsoft.Extensions.Logging;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// The FUSE low-level operations of one world, mapped onto its <see cref="IWorldFileSystem"/>.
/// Node ids are Hypervisor inode numbers. Every operation starts its Redis call and returns to
/// libfuse; the reply is sent from the continuation. See README.md for the caching and
/// consistency rules.
/// </summary>
internal sealed partial class WorldFuseFileSystem : IFuseOperations, IChangeListener
{
    private const int MaxNameBytes = 255;

    private readonly IWorldFileSystem _world;
    private readonly NodeTable _nodes;
    private readonly KnownDirectories _known = new();
    private readonly ConcurrentDictionary<ulong, OpenFile> _handles = new();
    private readonly ConcurrentDictionary<ulong, Lazy<Task>> _flights = new();
    private readonly Dictionary<string, IContentOrigin> _origins;
    private readonly LowerOrigin? _lower;
    private readonly ISessionResolver _sessions;
    private readonly IChangePublisher _changes;
    private readonly OwnerMap _owners;
    private readonly double _entryTimeout;
    private readonly double _attrTimeout;
    private readonly ILogger _logger;
    private long _nextFh;

    public WorldFuseFileSystem(
        IWorldFileSystem world,
        InodeAttributes root,
        WorldFuseOptions options,
        IEnumerable<IContentOrigin> origins,
        ISessionResolver sessions,
        IChangePublisher changes,
        ILogger logger)
    {
        _world = world;
        _nodes = new NodeTable(root);
        _origins = new Dictionary<string, IContentOrigin>(StringComparer.Ordinal);
        foreach (var origin in origins)
        {
            _origins[origin.Scheme] = origin;
        }
        _lower = _origins.GetValueOrDefault(LowerOrigin.SchemeName) as LowerOrigin;
        _sessions = sessions;
        _changes = changes;
        _owners = new OwnerMap(options.UidShift);
        _entryTimeout = options.EntryTimeoutSeconds;
        _attrTimeout = options.AttrTimeoutSeconds;
        _logger = logger;
    }

    internal NodeTable Nodes => _nodes;

    internal int OpenHandles => _handles.Count;

    internal KnownDirectories Known => _known;

    public void DirectoryChangedElsewhere(ulong directory) => _known.Forget(directory);

    public void InodeChangedElsewhere(ulong ino) => _nodes.Find(ino)?.DropPrefetch();

    public void NoticesLost()
    {
        _known.ForgetAll();
        foreach (var node in _nodes.All)
        {
            node.DropPrefetch();
        }
    }

    /// <summary>How old an attribute prefetch may be when a GETATTR takes it.</summary>
    private const long PrefetchMaxAgeMs = 1000;

    /// <summary>
    /// After this mount changed directory <paramref name="directory"/>'s names, and before the
    /// reply: the kernel drops the directory's attributes on every create, unlink, rename or link
    /// in it, and with default_permissions asks for them again (GETATTR) at the permission check
    /// of the next one. The attributes the change's own script read answer it when nothing else
    /// changed the directory meanwhile (<paramref name="change"/>); otherwise a read is started
    /// now, so its round trip overlaps the kernel's FLUSH, RELEASE and next LOOKUP. Either is
    /// taken by the next GETATTR; any later change here replaces it, a change elsewhere (notice)
    /// or lost notices drop it.
    /// </summary>
    private void AttributesAfterChange(ulong directory, DirectoryChange? change = null)
    {
        if (change?.Complete() == true)
        {
            return;
        }
        if (_nodes.Find(directory) is { } node)
        {
            var fetch = _world.GetAttrAsync(directory).AsTask();
            // Observed even when no GETATTR takes it (a failure is answered by the next real read).
            _ = fetch.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            node.Prefetch(fetch);
        }
    }

    /// <summary>This mount changed <paramref name="ino"/>'s attributes: a prefetch is stale; other mounts are told.</summary>
    private void ChangedHere(ulong ino)
    {
        _nodes.Find(ino)?.DropPrefetch();
        _changes.InodeChanged(ino);
    }

    public void Init(ref FuseConnInfo connection)
    {
        // readdirplus (names with attributes in one round trip: ls -l, du) when the kernel sees
        // the listing followed by lookups, plain readdir otherwise (a bare listdir or find needs
        // names and types only, and attributes cost a hash read per entry in Redis).
        connection.want |= (FuseCapabilities.FUSE_CAP_READDIRPLUS | FuseCapabilities.FUSE_CAP_READDIRPLUS_AUTO) & connection.capable;
        // The kernel applies the caller's umask before create/mkdir/mknod (as passthrough_ll relies on).
        connection.want &= ~FuseCapabilities.FUSE_CAP_DONT_MASK;
        // Writes reach this process as they are made; buffering is ours, so flush/fsync/close
        // are exact durability points and other mounts see data at close.
        connection.want &= ~FuseCapabilities.FUSE_CAP_WRITEBACK_CACHE;
        // setuid/setgid clearing on write, truncate and chown is the kernel's: it knows the
        // caller's real credentials (CAP_FSETID keeps the bits on write, a non-member loses
        // S_ISGID), this process sees only uid, gid and pid. libfuse 3 asks for HANDLE_KILLPRIV
        // by default (want bit 20 set before this callback, seen on libfuse 3.14), which declares
        // the clearing the filesystem's job; turned off, the kernel sends the mode change as a
        // SETATTR, a getattr and a setattr that only files carrying one of those bits pay for.
        connection.want &= ~FuseCapabilities.FUSE_CAP_HANDLE_KILLPRIV;
        // open(O_TRUNC) as a plain open followed by a truncating SETATTR: with atomic O_TRUNC the
        // kernel drops that SETATTR (the open truncated already), and with it the mode change
        // that clears setuid/setgid (`: > f` kept a 6775 file's bits, tmpfs clears them). The
        // SETATTR replaces the Redis call the open made to truncate, so a non-empty file costs
        // the same and an empty one a setattr more.
        connection.want &= ~FuseCapabilities.FUSE_CAP_ATOMIC_O_TRUNC;
        connection.want |= FuseCapabilities.FUSE_CAP_CACHE_SYMLINKS & connection.capable;
        connection.want |= FuseCapabilities.FUSE_CAP_AUTO_INVAL_DATA & connection.capable;
        // Lookups and readdirs in one directory may run side by side (each is its own Redis call,
        // and a readdir's position lives in its own handle). libfuse 3.14 keeps this bit in `want`
        // but never sends it to the kernel, which then serializes them on the directory's inode
        // lock (see OpenDirAsync for what carries the load instead); asked for so that a libfuse
        // that passes it on gets it.
        connection.want |= FuseCapabilities.FUSE_CAP_PARALLEL_DIROPS & connection.capable;
        // Requests are answered asynchronously: let the kernel keep more of them in flight.
        connection.max_background = 64;
        connection.congestion_threshold = 48;
    }

    /// <summary>Who acts: the caller's session (from its pid) and its persona-native ids.</summary>
    private OpContext Context(FuseRequest request) =>
        new(_sessions.Resolve(request.Pid), _owners.ToPersona(request.Uid), _owners.ToPersona(request.Gid));

    private static bool NameTooLong(string name) => Encoding.UTF8.GetByteCount(name) > MaxNameBytes;

    private void ReplyEntry(FuseRequest request, InodeAttributes attributes)
    {
        _nodes.Remember(attributes);
        request.ReplyEntry(FuseAttributes.ToEntry(attributes, _owners, _entryTimeout, _attrTimeout));
    }

    private void ReplyAttr(FuseRequest request, InodeAttributes attributes)
    {
        _nodes.Refresh(attributes);
        request.ReplyAttr(FuseAttributes.ToStat(attributes, _owners), _attrTimeout);
    }

    private IContentOrigin OriginOf(InodeAttributes attributes)
    {
        var origin = attributes.Origin ?? string.Empty;
        var colon = origin.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? origin : origin[..colon];
        if (_origins.TryGetValue(scheme, out var found))
        {
            return found;
        }
        Log.UnknownOrigin(_logger, scheme, origin, attributes.Ino);
        throw new FuseErrnoException(Errno.EIO, $"no content origin for '{origin}'");
    }

    /// <summary>One call per inode at a time in this mount; concurrent callers share it.</summary>
    private Task SingleFlight(ulong ino, Func<Task> work)
    {
        var flight = _flights.GetOrAdd(ino, key => new Lazy<Task>(() => RunFlight(key, work)));
        return flight.Value;
    }

    private async Task RunFlight(ulong ino, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _flights.TryRemove(ino, out _);
        }
    }

    /// <summary>Decides a lazy directory's entries (lower layer or persona) before it is looked into.</summary>
    private async ValueTask EnsurePopulatedAsync(ulong ino)
    {
        var node = _nodes.Find(ino);
        var attributes = node?.Attributes;
        if (attributes is { IsLazyDirectory: false })
        {
            return;
        }
        if (attributes is null)
        {
            var fetched = await _world.GetAttrAsync(ino).ConfigureAwait(false);
            if (!fetched.IsOk || !fetched.Value.IsLazyDirectory)
            {
                return;
            }
            attributes = fetched.Value;
        }
        var lazy = attributes;
        await SingleFlight(ino, () => OriginOf(lazy).PopulateAsync(_world, lazy, CancellationToken.None).AsTask()).ConfigureAwait(false);
        var fresh = await _world.GetAttrAsync(ino).ConfigureAwait(false);
        _nodes.Find(ino)?.DropPrefetch();
        if (fresh.IsOk)
        {
            _nodes.Refresh(fresh.Value);
            if (fresh.Value.Nlink != lazy.Nlink || fresh.Value.Size != lazy.Size)
            {
                // Population added subdirectories (nlink) after the kernel cached the directory's
                // attributes for the attribute timeout: `stat -c %h` must agree with `ls` at once.
                _changes.InvalidateHere(ino);
            }
        }
    }

    /// <summary>Brings a Ghost or Lower file's bytes into the world (generate / copy up) and returns its fresh attributes.</summary>
    private async ValueTask<InodeAttributes> EnsureStoredAsync(InodeAttributes attributes)
    {
        if (attributes.Content == ContentState.Stored)
        {
            return attributes;
        }
        await SingleFlight(attributes.Ino, () => OriginOf(attributes).MaterializeAsync(_world, attributes, CancellationToken.None).AsTask()).ConfigureAwait(false);
        var fresh = await _world.GetAttrAsync(attributes.Ino).ConfigureAwait(false);
        if (!fresh.IsOk)
        {
            throw new FuseErrnoException(fresh.Error, $"inode {attributes.Ino} vanished while its content was stored");
        }
        _nodes.Refresh(fresh.Value);
        return fresh.Value;
    }

    /// <summary>Attributes after writing out what this mount buffered, so sizes include every write made here.</summary>
    private async ValueTask<FsResult<InodeAttributes>> CurrentAttributesAsync(ulong ino, OpContext context)
    {
        var node = _nodes.Find(ino);
        if (node is { HasDirtyHandles: true })
        {
            var error = await WriteOutAsync(node, context).ConfigureAwait(false);
            if (error != Errno.None)
            {
                return error;
            }
        }
        return await _world.GetAttrAsync(ino).ConfigureAwait(false);
    }
}
