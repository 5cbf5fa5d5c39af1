using System.Runtime.InteropServices;
using System.Text;
using Chronos.Fuse.Native;
using Microsoft.Extensions.Logging;

namespace Chronos.Fuse.Session;

/// <summary>
/// One libfuse low-level session: created and mounted by <see cref="Mount"/>, served by libfuse's
/// multi-threaded loop on its own threads, stopped by <see cref="StopAsync"/>. The session owns
/// the native memory libfuse points into (the ops table, the GC handle passed as userdata) and
/// outlives every request: it is destroyed only when no asynchronous reply is outstanding.
/// </summary>
internal sealed class FuseSession : IAsyncDisposable
{
    private readonly FuseSessionOptions _options;
    private GCHandle _self;
    private unsafe FuseLowLevelOps* _ops;
    private nint _se;
    private Thread? _loopThread;
    private readonly TaskCompletionSource<int> _loopExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _inFlight;
    private int _stopping;
    // Completed by the reply that brings _inFlight to zero once stopping has begun.
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _connectionId;

    public FuseSession(IFuseOperations operations, FuseSessionOptions options, ILogger logger)
    {
        Operations = operations;
        _options = options;
        Logger = logger;
    }

    internal IFuseOperations Operations { get; }

    internal ILogger Logger { get; }

    public string? MountPoint { get; private set; }

    /// <summary>Completes with the loop's return value when libfuse stops serving (unmounted, aborted or stopped).</summary>
    public Task<int> Completion => _loopExited.Task;

    public bool IsServing => _se != 0 && !_loopExited.Task.IsCompleted;

    internal void RequestStarted() => Interlocked.Increment(ref _inFlight);

    internal void RequestFinished()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _stopping) != 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Creates the session with the mount options, mounts it and starts the loop.</summary>
    public unsafe void Mount(string mountPoint)
    {
        if (_se != 0)
        {
            throw new InvalidOperationException("already mounted");
        }
        _self = GCHandle.Alloc(this);
        _ops = (FuseLowLevelOps*)NativeMemory.AllocZeroed((nuint)sizeof(FuseLowLevelOps));
        FuseTrampolines.Fill(_ops);

        var argv = new List<string> { "chronos", "-o", _options.MountOptions() };
        if (_options.Debug)
        {
            argv.Add("-d");
        }
        var strings = argv.Select(a => Marshal.StringToCoTaskMemUTF8(a)).ToArray();
        var vector = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Length + 1), (nuint)sizeof(nint));
        try
        {
            for (var i = 0; i < strings.Length; i++)
            {
                vector[i] = (byte*)strings[i];
            }
            var args = new FuseArgs { argc = strings.Length, argv = vector, allocated = 0 };
            _se = LibFuse.fuse_session_new(&args, _ops, (nuint)sizeof(FuseLowLevelOps), GCHandle.ToIntPtr(_self));
            // fuse_session_new re-parses the arguments into a vector it allocated.
            LibFuse.fuse_opt_free_args(&args);
        }
        finally
        {
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }
            NativeMemory.Free(vector);
        }
        if (_se == 0)
        {
            FreeNative();
            throw new InvalidOperationException($"fuse_session_new failed (options {_options.MountOptions()})");
        }

        var path = Encoding.UTF8.GetBytes(mountPoint + "\0");
        int mounted;
        fixed (byte* p = path)
        {
            mounted = LibFuse.fuse_session_mount(_se, p);
        }
        if (mounted != 0)
        {
            LibFuse.fuse_session_destroy(_se);
            _se = 0;
            FreeNative();
            throw new IOException($"fuse_session_mount({mountPoint}) failed; see libfuse's message on stderr");
        }
        MountPoint = mountPoint;
        _connectionId = FuseConnections.IdOf(mountPoint);

        _loopThread = new Thread(RunLoop) { IsBackground = true, Name = "fuse-loop " + mountPoint };
        _loopThread.Start();
        Log.Mounted(Logger, mountPoint, _options.MountOptions(), _options.MaxThreads);
    }

    private void RunLoop()
    {
        var config = LibFuse.fuse_loop_cfg_create();
        try
        {
            LibFuse.fuse_loop_cfg_set_max_threads(config, (uint)_options.MaxThreads);
            // Keep every worker: callbacks return at once, so few are needed, and re-creating
            // threads would cost more than idle ones.
            LibFuse.fuse_loop_cfg_set_idle_threads(config, (uint)_options.MaxThreads);
            LibFuse.fuse_loop_cfg_set_clone_fd(config, 0);
            var result = LibFuse.fuse_session_loop_mt_312(_se, config);
            _loopExited.TrySetResult(result);
        }
        catch (Exception ex)
        {
            _loopExited.TrySetException(ex);
        }
        finally
        {
            LibFuse.fuse_loop_cfg_destroy(config);
        }
    }

    /// <summary>
    /// Sends FUSE_NOTIFY_INVAL_INODE: the kernel drops the node's cached attributes and pages.
    /// Never call from inside a request callback (the kernel may wait for that request's locks).
    /// </summary>
    public int InvalidateInode(ulong ino)
    {
        if (!IsServing)
        {
            return 0;
        }
        return LibFuse.fuse_lowlevel_notify_inval_inode(_se, ino, 0, 0);
    }

    /// <summary>Sends FUSE_NOTIFY_INVAL_ENTRY for parent/name (same rule as <see cref="InvalidateInode"/>).</summary>
    public unsafe int InvalidateEntry(ulong parent, string name)
    {
        if (!IsServing)
        {
            return 0;
        }
        var bytes = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = bytes)
        {
            return LibFuse.fuse_lowlevel_notify_inval_entry(_se, parent, p, (nuint)bytes.Length);
        }
    }

    /// <summary>
    /// Unmounts and tears down: exit flag, umount (lazy when busy), wait for the loop (abort the
    /// connection when it does not end), wait for outstanding asynchronous replies, destroy.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_se == 0 || Interlocked.Exchange(ref _stopping, 1) != 0)
        {
            return;
        }
        var mountPoint = MountPoint!;
        LibFuse.fuse_session_exit(_se);
        if (!_loopExited.Task.IsCompleted)
        {
            MountTable.Unmount(mountPoint, Logger);
        }
        if (!await CompletesWithinAsync(_loopExited.Task, timeout) && _connectionId is not null)
        {
            Log.AbortingConnection(Logger, mountPoint, _connectionId);
            FuseConnections.Abort(_connectionId);
            await CompletesWithinAsync(_loopExited.Task, timeout);
        }
        var drained = await WaitForRepliesAsync(timeout);
        LibFuse.fuse_session_unmount(_se);
        if (_loopExited.Task.IsCompleted && drained)
        {
            LibFuse.fuse_session_destroy(_se);
            FreeNative();
        }
        else
        {
            // A libfuse thread or a reply may still touch the session: leaking it is safe, freeing it is not.
            Log.SessionLeaked(Logger, mountPoint, Interlocked.Read(ref _inFlight));
        }
        _se = 0;
        Log.Unmounted(Logger, mountPoint);
    }

    private Task<bool> WaitForRepliesAsync(TimeSpan timeout)
    {
        // _stopping is already set, so the last RequestFinished completes _drained; this covers
        // the case where nothing was in flight when stopping began.
        if (Interlocked.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
        return CompletesWithinAsync(_drained.Task, timeout);
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private unsafe void FreeNative()
    {
        if (_ops != null)
        {
            NativeMemory.Free(_ops);
            _ops = null;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(10));

    internal static FuseSession FromUserData(nint userdata) => (FuseSession)GCHandle.FromIntPtr(userdata).Target!;
}
