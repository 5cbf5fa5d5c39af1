namespace Chronos.Fuse.Service;

/// <summary>Configuration section <c>Chronos:Fuse</c> (environment: <c>Chronos__Fuse__Key</c>).</summary>
public sealed class ChronosFuseOptions
{
    public const string Section = "Chronos:Fuse";

    /// <summary>Worlds to mount (missing ones are created); empty means ["default"].</summary>
    public List<string> Worlds { get; init; } = [];

    /// <summary>Each world is mounted at &lt;MountRoot&gt;/&lt;world&gt;.</summary>
    public string MountRoot { get; set; } = "/run/chronos/worlds";

    /// <summary>Host uid/gid of persona id 0 (0 = identity; the Gateway's sandboxes use 100000).</summary>
    public uint UidShift { get; set; }

    /// <summary>Lower directory for worlds this service creates (a world keeps the one it was created with).</summary>
    public string? LowerDirectory { get; set; }

    /// <summary>Top-level names taken from the lower directory (e.g. usr, bin, lib, lib64, sbin); empty = all.</summary>
    public List<string> LowerInclude { get; init; } = [];

    public long QuotaBytes { get; set; } = 1L << 30;

    public long QuotaInodes { get; set; } = 1_000_000;

    /// <summary>libfuse worker threads per mount.</summary>
    public int MaxThreads { get; set; } = 8;

    public double EntryTimeoutSeconds { get; set; } = 30.0;

    public double AttrTimeoutSeconds { get; set; } = 30.0;

    /// <summary>Names this host in handle ownership (with the mount point it makes a client id stable across
    /// restarts) and in mount requests (the Gateway's <c>Gateway:Sandbox:HostId</c> must match).</summary>
    public string HostId { get; set; } = Environment.MachineName;

    /// <summary>Also mount worlds the Gateway of this host requests (Hypervisor MountRequests under
    /// <see cref="HostId"/>) while their lease lives, and unmount them when it lapses and nothing uses them.</summary>
    public bool MountOnRequest { get; set; } = true;

    /// <summary>How often requests are reconciled even without a pub/sub notice (notices are lost while Redis is away).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<string> EffectiveWorlds => Worlds.Count == 0 ? ["default"] : Worlds;
}
