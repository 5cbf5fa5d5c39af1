using System.Net.Sockets;
using Chronos.Hypervisor.FileSystem;
using StackExchange.Redis;

namespace Chronos.Fuse.Session;

/// <summary>
/// The one place where exceptions become errnos. Whatever fails below the filesystem (Redis gone,
/// a timeout, a bug) reaches the caller as EIO: the kernel must always get an answer, and no
/// failure may look like success or like a different, meaningful error.
/// </summary>
internal static class FuseErrors
{
    public const Errno EILSEQ = (Errno)84;
    public const Errno EINTR = (Errno)4;

    public static Errno ToErrno(Exception exception) => exception switch
    {
        FuseErrnoException e => e.Error,
        RedisException or TimeoutException or SocketException => Errno.EIO,
        OperationCanceledException => Errno.EIO,
        _ => Errno.EIO,
    };

    /// <summary>True for failures of the infrastructure (expected while Redis is down), false for bugs.</summary>
    public static bool IsInfrastructure(Exception exception) =>
        exception is RedisException or TimeoutException or SocketException or OperationCanceledException or FuseErrnoException;
}

/// <summary>An errno raised deep inside a helper (for example the lower layer) that the op answers as it is.</summary>
internal sealed class FuseErrnoException(Errno error, string message) : Exception(message)
{
    public Errno Error { get; } = error;
}
