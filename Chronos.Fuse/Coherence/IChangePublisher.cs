namespace Chronos.Fuse.Coherence;

/// <summary>Tells other mounts of the same world what this mount changed, so they drop kernel caches.</summary>
internal interface IChangePublisher
{
    /// <summary>An inode's attributes or bytes changed.</summary>
    void InodeChanged(ulong ino);

    /// <summary>A name in a directory appeared, disappeared or now names another inode.</summary>
    void EntryChanged(ulong parent, string name);

    /// <summary>
    /// This mount's own kernel holds stale attributes of <paramref name="ino"/> (changed here
    /// outside a reply, e.g. by populating a lazy directory): invalidate them from the notifier
    /// thread, never from inside a request.
    /// </summary>
    void InvalidateHere(ulong ino);
}

/// <summary>What this mount learns from the change feed beyond the kernel invalidations.</summary>
internal interface IChangeListener
{
    /// <summary>Another client changed a name in <paramref name="directory"/>.</summary>
    void DirectoryChangedElsewhere(ulong directory);

    /// <summary>Another client changed <paramref name="ino"/>'s attributes or bytes.</summary>
    void InodeChangedElsewhere(ulong ino);

    /// <summary>Notices may have been lost (subscription down or restored, inbox overflow).</summary>
    void NoticesLost();
}
