using static Chronos.Persona.Planning.Octal;

namespace Chronos.Persona.Planning;

public static partial class WorldPlanner
{
    /// <summary>
    /// What the persona's kernel and init say about themselves. The /proc files are never seen in
    /// the world itself (a session's /proc is its own procfs): the Gateway binds them over the
    /// procfs files of the same name, so `cat /proc/version` names the persona's kernel, not the
    /// host's. /usr/lib/systemd/systemd is where the Gateway binds the sandbox's pid 1, which a
    /// session starts as /sbin/init, as Ubuntu and Debian boot.
    /// </summary>
    private static void Kernel(PlanBuilder b)
    {
        var w = b.World;
        var k = w.Persona.Kernel;
        var boot = w.BootedAt;
        b.Dir("/proc/sys", O(555), time: boot);
        b.Dir("/proc/sys/kernel", O(555), time: boot);
        b.Text("/proc/version", k.ProcVersion + "\n", O(444), time: boot);
        b.Text("/proc/sys/kernel/osrelease", k.Release + "\n", O(444), time: boot);
        b.Text("/proc/sys/kernel/version", k.Version + "\n", O(444), time: boot);

        var image = w.InstalledAt;
        b.Dir("/usr/lib/systemd", time: image);
        b.Text("/usr/lib/systemd/systemd", "", O(755), time: image);
        b.Link("/usr/sbin/init", "/lib/systemd/systemd", image);
        b.Dir("/usr/lib/modules", time: image);
        b.Dir("/usr/lib/modules/" + k.Release, time: boot.AddDays(-2));
    }
}
