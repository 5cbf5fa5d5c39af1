using System.Collections.Concurrent;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// Directories whose every name this mount knows, so that a LOOKUP of a name that is not there
/// is answered without Redis. A create is LOOKUP (negative) then CREATE in the kernel; answering
/// the first from memory halves the Redis calls on its critical path.
/// <para>
/// A directory is known from the moment this mount made it (mkdir: it is empty) and stays known
/// while every change to it is one this mount made: the kernel holds the parent's lock
/// exclusively across a create, unlink, rename or link and shared across a lookup, so lookups
/// and this mount's changes of one directory never overlap, and a change is recorded here before
/// its reply. A change whose outcome is unknown (an exception, a request that left the kernel
/// before its reply) makes the directory unknown for good, and a lookup while a change is in
/// flight asks Redis. Changes by other mounts arrive as change notices (<c>e|parent|name</c>);
/// any such notice, a lost notice or a lost subscription forgets the directory (or all of them),
/// and Redis answers from then on. The window in which a name created by another mount is
/// still reported absent is the same one in which the kernel's own negative dentry would hide
/// it: until the notice arrives (close-to-open across mounts).
/// </para>
/// </summary>
internal sealed class KnownDirectories
{
    /// <summary>Beyond this many names a directory is no longer tracked (memory stays bounded: about 100 B a name).</summary>
    internal const int MaxNames = 100_000;

    private readonly ConcurrentDictionary<ulong, Names> _directories = new();

    private sealed class Names
    {
        public readonly HashSet<string> Set = new(StringComparer.Ordinal);

        /// <summary>Changes sent to Redis and not yet recorded (guarded by lock(Set)).</summary>
        public int Pending;
    }

    public int Count => _directories.Count;

    /// <summary>True when <paramref name="name"/> is certainly not in <paramref name="directory"/>.</summary>
    public bool IsAbsent(ulong directory, string name)
    {
        if (!_directories.TryGetValue(directory, out var names))
        {
            return false;
        }
        lock (names.Set)
        {
            return names.Pending == 0 && !names.Set.Contains(name);
        }
    }

    /// <summary>This mount made <paramref name="directory"/>: it is empty.</summary>
    public void Made(ulong directory) => _directories[directory] = new Names();

    /// <summary>A change of <paramref name="directory"/> is about to be sent; pair with <see cref="End"/>.</summary>
    public void Begin(ulong directory)
    {
        if (_directories.TryGetValue(directory, out var names))
        {
            lock (names.Set)
            {
                names.Pending++;
            }
        }
    }

    /// <summary>
    /// The change begun by <see cref="Begin"/> came back: <paramref name="added"/> or
    /// <paramref name="removed"/> (either may be null) is now the truth in Redis.
    /// </summary>
    public void End(ulong directory, string? added, string? removed)
    {
        if (!_directories.TryGetValue(directory, out var names))
        {
            return;
        }
        lock (names.Set)
        {
            names.Pending--;
            if (removed is not null)
            {
                names.Set.Remove(removed);
            }
            if (added is not null && names.Set.Add(added) && names.Set.Count > MaxNames)
            {
                _directories.TryRemove(directory, out _);
            }
        }
    }

    /// <summary>What Redis said contradicts what is known (EEXIST for a name believed absent): stop trusting it.</summary>
    public void Contradicted(ulong directory) => Forget(directory);

    /// <summary>The directory changed in a way this mount did not see, or is gone.</summary>
    public void Forget(ulong directory) => _directories.TryRemove(directory, out _);

    /// <summary>Change notices may have been lost (subscription down, inbox full): nothing is known any more.</summary>
    public void ForgetAll() => _directories.Clear();
}
