namespace Chronos.Fuse.Coherence;

/// <summary>Tells other mounts of the same world what this mount changed, so they drop kernel caches.</summary>
internal interface IChangePublisher
{
    /// <summary>An inode's attributes or bytes changed.</summary>
    void InodeChanged(ulong ino);

    /// <summary>A name in a directory appeared, disappeared or now names another inode.</summary>
    void EntryChanged(ulong parent, string name);
}
