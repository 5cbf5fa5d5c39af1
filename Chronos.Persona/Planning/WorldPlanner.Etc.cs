using static Chronos.Persona.Planning.Octal;
using Chronos.Persona.Keys;

namespace Chronos.Persona.Planning;

public static partial class WorldPlanner
{
    private static void Etc(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        var r = w.Random("plan:etc");
        var image = w.InstalledAt.AddMinutes(r.Next(2, 40));
        DateTimeOffset Admin() => r.Between(w.InstalledAt.AddDays(1), w.BootedAt);

        b.Dir("/etc", time: Admin());
        var accounts = r.Between(w.InstalledAt.AddDays(2), w.BootedAt);
        b.Text("/etc/passwd", SystemFiles.Passwd(p), time: accounts);
        b.Text("/etc/passwd-", SystemFiles.Passwd(p), time: accounts.AddSeconds(-1));
        b.Text("/etc/shadow", SystemFiles.Shadow(w), O(640), "root", "shadow", accounts);
        b.Text("/etc/group", SystemFiles.Group(p), time: accounts);
        b.Text("/etc/gshadow", SystemFiles.Gshadow(p), O(640), "root", "shadow", accounts);
        b.Text("/etc/hostname", SystemFiles.Hostname(p), time: image);
        b.Text("/etc/hosts", SystemFiles.Hosts(w), time: Admin());
        b.Text("/usr/lib/os-release", SystemFiles.OsRelease(p), time: image.AddDays(-r.Next(20, 90)));
        b.Link("/etc/os-release", "../usr/lib/os-release", image);
        if (SystemFiles.LsbRelease(p) is { } lsb)
        {
            b.Text("/etc/lsb-release", lsb, time: image.AddDays(-r.Next(20, 90)));
        }
        b.Text("/etc/debian_version", SystemFiles.DebianVersion(p), time: image.AddDays(-r.Next(20, 90)));
        b.Text("/etc/issue", SystemFiles.Issue(p), time: image.AddDays(-r.Next(20, 90)));
        b.Text("/etc/issue.net", SystemFiles.IssueNet(p), time: image.AddDays(-r.Next(20, 90)));
        b.Text("/etc/motd", SystemFiles.Motd(p), time: Admin());
        b.Text("/etc/machine-id", SystemFiles.MachineId(w), O(444), time: image);
        b.Text("/var/lib/dbus/machine-id", SystemFiles.MachineId(w), O(444), time: image);
        b.Text("/etc/resolv.conf", SystemFiles.ResolvConf(p), time: w.BootedAt.AddSeconds(r.Next(5, 40)));
        b.Text("/etc/fstab", SystemFiles.Fstab(w), time: image);
        b.Text("/etc/timezone", SystemFiles.TimeZone(p), time: image);
        b.Link("/etc/localtime", "/usr/share/zoneinfo/" + p.TimeZone, image);
        if (p.IsDebian)
        {
            b.Text("/etc/network/interfaces", SystemFiles.NetworkConfig(p), time: image);
        }
        else
        {
            b.Text("/etc/netplan/50-cloud-init.yaml", SystemFiles.NetworkConfig(p), O(600), time: image);
        }
        b.Text("/var/lib/dpkg/status", SystemFiles.DpkgStatus(w), time: r.Between(w.BootedAt.AddDays(-20), w.BootedAt));
        b.Text("/etc/skel/.bashrc", SystemFiles.BashRc(root: false), time: image.AddDays(-300));
        b.Text("/etc/skel/.profile", SystemFiles.Profile(root: false), time: image.AddDays(-300));
        b.Text("/etc/skel/.bash_logout", SystemFiles.BashLogout, time: image.AddDays(-300));
    }

    private static void Ssh(PlanBuilder b, HostKeySet keys)
    {
        var w = b.World;
        var r = w.Random("plan:ssh");
        var image = w.InstalledAt.AddMinutes(r.Next(2, 40));
        b.Dir("/etc/ssh", time: image);
        b.Text("/etc/ssh/sshd_config", SystemFiles.SshdConfig(w.Persona), time: r.Between(w.InstalledAt.AddDays(1), w.BootedAt));
        b.Dir("/etc/ssh/sshd_config.d", time: image);
        // First boot generates the host keys (cloud-init or openssh-server's postinst).
        var keyTime = w.InstalledAt.AddSeconds(r.Next(30, 300));
        foreach (var (name, key) in keys.Files)
        {
            b.Text("/etc/ssh/" + name, key.PrivateKeyFile, O(600), time: keyTime);
            b.Text("/etc/ssh/" + name + ".pub", key.PublicKeyLine, O(644), time: keyTime);
        }
    }

    private static void Cron(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        var r = w.Random("plan:cron");
        b.Text("/etc/crontab", SystemFiles.SystemCrontab(p), time: w.InstalledAt.AddDays(-r.Next(100, 400)));
        b.Dir("/etc/cron.d", time: r.Between(w.InstalledAt, w.BootedAt));
        foreach (var dir in new[] { "/etc/cron.daily", "/etc/cron.hourly", "/etc/cron.weekly", "/etc/cron.monthly" })
        {
            b.Dir(dir, time: w.InstalledAt);
        }
        foreach (var group in p.Cron.Where(j => j.File is not null).GroupBy(j => j.File!))
        {
            b.Text("/etc/cron.d/" + group.Key, SystemFiles.CronDFile(group), time: r.Between(w.InstalledAt.AddDays(3), w.BootedAt));
        }
        b.Dir("/var/spool/cron", time: w.InstalledAt);
        b.Dir("/var/spool/cron/crontabs", O(1730), "root", "crontab", w.InstalledAt);
        foreach (var user in p.Cron.Where(j => j.File is null).GroupBy(j => j.User))
        {
            var installed = r.Between(w.InstalledAt.AddDays(3), w.BootedAt);
            b.Text("/var/spool/cron/crontabs/" + user.Key, SystemFiles.UserCrontab(user, installed, r.Token(6)), O(600), user.Key, "crontab", installed);
        }
    }
}
