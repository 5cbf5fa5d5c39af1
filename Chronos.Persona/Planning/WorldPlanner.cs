using Chronos.Persona.Keys;

namespace Chronos.Persona.Planning;

/// <summary>Options of a plan that depend on the world, not the persona.</summary>
public sealed record PlanOptions
{
    /// <summary>
    /// Plan the distribution's directory skeleton (/bin → usr/bin and the other merged-/usr links,
    /// /usr, /proc, /sys, /tmp ...). Off when the world has a lower layer that provides them.
    /// </summary>
    public bool ProvideSkeleton { get; init; } = true;
}

/// <summary>
/// Decides the whole seeded tree of a world: every real file's bytes, every ghost's metadata and
/// generator, every lazy directory. Pure: the same world context, host keys and options give the
/// same plan, entry for entry.
/// </summary>
public static partial class WorldPlanner
{
    public static WorldPlan Plan(WorldContext world, HostKeySet hostKeys, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(hostKeys);
        options ??= new PlanOptions();
        var plan = new WorldPlan(world.WorldSeed, world.SeededAt, world.BootedAt);
        var b = new PlanBuilder(world, plan);
        if (options.ProvideSkeleton)
        {
            Skeleton(b);
        }
        Kernel(b);
        Etc(b);
        Ssh(b, hostKeys);
        Homes(b);
        Cron(b);
        Logs(b);
        WebStack(b);
        Postgres(b);
        BuildBox(b);
        LazyDirectories(b);
        return plan;
    }

    /// <summary>The merged-/usr layout both Debian 12 and Ubuntu 22.04+ install.</summary>
    private static void Skeleton(PlanBuilder b)
    {
        var t = b.World.InstalledAt;
        foreach (var (link, target) in new[] { ("/bin", "usr/bin"), ("/sbin", "usr/sbin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64") })
        {
            b.Link(link, target, t);
        }
        foreach (var dir in new[] { "/boot", "/dev", "/media", "/mnt", "/opt", "/proc", "/run", "/srv", "/sys", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/local/share", "/usr/share", "/usr/src", "/var", "/var/cache", "/var/lib", "/var/local", "/var/mail", "/var/opt", "/var/spool" })
        {
            b.Dir(dir, time: t);
        }
        b.Dir("/tmp", 0x3FF, time: b.World.SeededAt.AddMinutes(-3));
        b.Dir("/var/tmp", 0x3FF, time: b.World.BootedAt);
        b.Link("/var/run", "/run", t);
        b.Link("/var/lock", "/run/lock", t);
    }
}
