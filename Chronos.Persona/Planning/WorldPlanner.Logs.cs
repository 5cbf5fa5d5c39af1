using static Chronos.Persona.Planning.Octal;

namespace Chronos.Persona.Planning;

public static partial class WorldPlanner
{
    private static void Logs(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        var (owner, group) = p.IsDebian ? ("root", "adm") : ("syslog", "adm");
        if (p.IsDebian)
        {
            b.Dir("/var/log", O(755), "root", "root", w.SeededAt.AddHours(-3));
        }
        else
        {
            b.Dir("/var/log", O(775), "root", "syslog", w.SeededAt.AddHours(-3));
        }
        // Bytes per day, from the role: an Internet-facing sshd logs many failed logins.
        RotatedLog(b, "/var/log/auth.log", Generators.AuthLog, owner, group, O(640), 70_000, 4);
        RotatedLog(b, "/var/log/syslog", Generators.Syslog, owner, group, O(640), 150_000, 4);
        RotatedLog(b, "/var/log/kern.log", Generators.KernLog, owner, group, O(640), 4_000, 2);
        RotatedLog(b, "/var/log/dpkg.log", Generators.DpkgLog, "root", "root", O(644), 900, 2);
        // utmp(5) records: 384 bytes each on x86_64; wtmp and btmp rotate monthly.
        var r = w.Random("plan:wtmp");
        var rotation = LogSchedule.LastRotation(w, Generators.Wtmp);
        var days = Math.Max((w.SeededAt - rotation).TotalDays, 0.5);
        b.Ghost("/var/log/wtmp", Generators.Wtmp, 384L * Math.Max(2, (int)(days * r.Next(2, 6))), O(664), "root", "utmp", w.SeededAt.AddMinutes(-r.Next(20, 600)));
        b.Ghost("/var/log/btmp", Generators.Btmp, 384L * Math.Max(1, (int)(days * r.Next(40, 120))), O(660), "root", "utmp", w.SeededAt.AddSeconds(-r.Next(5, 600)));
        if (p.HasService("nginx"))
        {
            b.Dir("/var/log/nginx", O(755), "root", "adm", w.InstalledAt.AddHours(1));
            RotatedLog(b, "/var/log/nginx/access.log", Generators.NginxAccess, "www-data", "adm", O(640), 400_000, 4);
            RotatedLog(b, "/var/log/nginx/error.log", Generators.NginxError, "www-data", "adm", O(640), 6_000, 2);
        }
        if (p.HasService("mysql"))
        {
            b.Dir("/var/log/mysql", O(2750), "mysql", "adm", w.InstalledAt.AddHours(1));
            RotatedLog(b, "/var/log/mysql/error.log", Generators.MysqlError, "mysql", "adm", O(640), 1_500, 2);
        }
        if (p.HasService("postgresql"))
        {
            b.Dir("/var/log/postgresql", O(1775), "root", "postgres", w.InstalledAt.AddHours(1));
            RotatedLog(b, "/var/log/postgresql/postgresql-15-main.log", Generators.PostgresqlLog, "postgres", "adm", O(640), 25_000, 3);
        }
    }

    /// <summary>The live log and its rotations (.1 plain, older ones gzipped), none older than the install.</summary>
    private static void RotatedLog(PlanBuilder b, string path, string generator, string owner, string group, uint mode, int bytesPerDay, int files)
    {
        var w = b.World;
        var r = w.Random("plan:log:" + path);
        for (var index = 0; index < files; index++)
        {
            var (from, to) = LogSchedule.Window(w, generator, index);
            if (from < w.InstalledAt)
            {
                break;
            }
            var days = Math.Max((to - from).TotalDays, 0.05);
            var size = (long)(bytesPerDay * days * (0.6 + (0.8 * r.NextDouble())));
            size = Math.Max(size, 1200);
            var name = index switch { 0 => path, 1 => path + ".1", _ => $"{path}.{index}.gz" };
            if (index >= 2)
            {
                // Text logs compress about 8-12x with gzip -6.
                size = Math.Max(size / r.Next(8, 12), 400);
            }
            // The live log was written a moment ago; a rotated one at its rotation.
            var mtime = index == 0 ? to.AddSeconds(-r.Next(2, generator is Generators.KernLog or Generators.DpkgLog ? 20_000 : 400)) : to.AddSeconds(-r.Next(1, 90));
            if (mtime < from)
            {
                mtime = from.AddSeconds(1);
            }
            b.Ghost(name, generator, size, mode, owner, group, mtime);
        }
    }
}
