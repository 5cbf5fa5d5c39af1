namespace Chronos.Fuse.Session;

/// <summary>How a session mounts: the kernel options and libfuse's loop.</summary>
internal sealed record FuseSessionOptions
{
    /// <summary>
    /// Let every uid enter the mount: sandboxed personas run as unprivileged host ids. As root no
    /// <c>user_allow_other</c> line in /etc/fuse.conf is needed.
    /// </summary>
    public bool AllowOther { get; init; } = true;

    /// <summary>The kernel enforces modes and owners (<c>default_permissions</c>); the filesystem does not re-check.</summary>
    public bool DefaultPermissions { get; init; } = true;

    public string FsName { get; init; } = "chronos";

    public string Subtype { get; init; } = "chronos";

    /// <summary>libfuse worker threads. Callbacks only start work and return, so a few suffice.</summary>
    public int MaxThreads { get; init; } = 8;

    /// <summary>libfuse's -d: every request logged to stderr.</summary>
    public bool Debug { get; init; }

    public string MountOptions()
    {
        var options = new List<string>();
        if (DefaultPermissions)
        {
            options.Add("default_permissions");
        }
        if (AllowOther)
        {
            options.Add("allow_other");
        }
        options.Add("fsname=" + FsName);
        options.Add("subtype=" + Subtype);
        return string.Join(',', options);
    }
}
