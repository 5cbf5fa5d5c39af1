using Chronos.Hypervisor.FileSystem;

namespace Chronos.Fuse.FileSystem;

/// <summary>
/// One change this mount makes to a directory's entries. Passed to the Hypervisor as the
/// operation's <see cref="IDirectoryObserver"/>, it receives the directory's attributes as the
/// change's own script left them; once the change completed, <see cref="Complete"/> keeps them for
/// the kernel's next GETATTR (which default_permissions makes it send before the next create or
/// unlink there), so that GETATTR costs no Redis call.
/// </summary>
internal sealed class DirectoryChange : IDirectoryObserver
{
    private readonly Node? _node;
    private readonly long _startedAt;
    private InodeAttributes? _after;

    /// <summary>Taken before the change is sent: <paramref name="node"/> is the directory's, when the kernel holds it.</summary>
    public DirectoryChange(Node? node)
    {
        _node = node;
        _startedAt = node?.Generation ?? 0;
    }

    public void DirectoryChanged(InodeAttributes directory)
    {
        if (directory.Ino == _node?.Ino)
        {
            _after = directory;
        }
    }

    /// <summary>After the change succeeded: true when its attributes are kept (see <see cref="Node.Changed"/>).</summary>
    public bool Complete() => _node?.Changed(_startedAt, _after) ?? false;
}
