namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// Where lazily decided state comes from. An inode's <see cref="InodeAttributes.Origin"/> is
/// <c>&lt;scheme&gt;:&lt;key&gt;</c>; the origin whose <see cref="Scheme"/> matches decides a lazy
/// directory's entries and a Ghost file's bytes. The Fuse layer implements <c>lower</c> (a
/// read-only directory on disk); Chronos.Persona implements <c>persona</c> (the persona's plan
/// and the content generator). Both end in the Hypervisor's compare-and-set verbs, so whoever
/// answers first decides, once, for every mount.
/// </summary>
public interface IContentOrigin
{
    /// <summary>The prefix before ':' in <see cref="InodeAttributes.Origin"/>, e.g. "lower" or "persona".</summary>
    string Scheme { get; }

    /// <summary>
    /// Decides the entries of a lazy directory and commits them with
    /// <see cref="IWorldFileSystem.PopulateDirectoryAsync"/> (onlyIfLazy: true). Returns when the
    /// directory is no longer lazy (decided by this call or by another client).
    /// </summary>
    ValueTask PopulateAsync(IWorldFileSystem world, InodeAttributes directory, CancellationToken cancellationToken);

    /// <summary>
    /// Produces a Ghost file's bytes, fitted to its declared size, and commits them with
    /// <see cref="IWorldFileSystem.CommitContentAsync"/>. Returns when the file is Stored
    /// (by this call or by another client). Never throws for a generation failure: it falls
    /// back to content it can always produce.
    /// </summary>
    ValueTask MaterializeAsync(IWorldFileSystem world, InodeAttributes file, CancellationToken cancellationToken);
}
