using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>/var/log/syslog: cron running the persona's jobs, systemd's timers, and the services the persona runs.</summary>
internal sealed class SyslogWriter : LogWriter
{
    protected override double AverageLine => 110;

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var p = w.Persona;
        var local = w.Local(minute);
        foreach (var job in p.Cron)
        {
            if (CronSchedule.Fires(job.Schedule, local))
            {
                var at = minute.AddSeconds(1 + random.NextDouble());
                if (at <= end)
                {
                    yield return SyslogFormat.Line(w, at, $"CRON[{random.Next(1000, 400000)}]", $"({job.User}) CMD ({job.Command})");
                }
            }
        }
        if (local.Minute == 17)
        {
            yield return SyslogFormat.Line(w, minute.AddSeconds(1), $"CRON[{random.Next(1000, 400000)}]", "(root) CMD (cd / && run-parts --report /etc/cron.hourly)");
        }
        foreach (var at in Instants(minute, end, rate, random))
        {
            yield return SyslogFormat.Line(w, at, Tag(random, out var message, p, w, at), message);
        }
    }

    private static string Tag(SeededRandom random, out string message, Model.Persona p, WorldContext w, DateTimeOffset at)
    {
        var roll = random.Next(100);
        var systemd = "systemd[1]";
        switch (roll)
        {
            case < 14:
                var session = random.Next(100, 9000);
                var user = random.Pick(p.LoginUsers.ToList());
                message = $"Started session-{session}.scope - Session {session} of User {user.Name}.";
                return systemd;
            case < 24:
                message = random.Pick(new[] { "Starting sysstat-collect.service - system activity accounting tool...", "sysstat-collect.service: Deactivated successfully.", "Finished sysstat-collect.service - system activity accounting tool." });
                return systemd;
            case < 32:
                message = random.Pick(new[] { "Starting logrotate.service - Rotate log files...", "logrotate.service: Deactivated successfully.", "Finished logrotate.service - Rotate log files.", "Starting man-db.service - Daily man-db regeneration...", "man-db.service: Deactivated successfully." });
                return systemd;
            case < 40:
                message = random.Pick(new[] { "Starting apt-daily.service - Daily apt download activities...", "apt-daily.service: Deactivated successfully.", "Finished apt-daily.service - Daily apt download activities.", "Starting fstrim.service - Discard unused blocks on filesystems from /etc/fstab...", "fstrim.service: Deactivated successfully." });
                return systemd;
            case < 48:
                message = $"Selected source {random.Pick(new[] { "185.125.190.57", "91.189.91.157", "162.159.200.1", "193.0.14.129" })} (ntp.ubuntu.com)";
                return p.IsDebian ? $"systemd-timesyncd[{random.Next(400, 700)}]" : $"chronyd[{random.Next(600, 900)}]";
            case < 56 when p.HasService("docker"):
                message = $"time=\"{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", Inv) + "Z"}\" level=info msg=\"ignoring event\" container={random.Hex(64)} module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"";
                return $"dockerd[{random.Next(900, 1500)}]";
            case < 66 when p.HasService("gitlab-runner"):
                message = $"Checking for jobs... received                       job={random.Next(180000, 260000)} repo_url=https://gitlab.kestrelsoft.io/platform/{random.Pick(new[] { "api", "web", "billing", "infra" })}.git runner={random.Token(8)}";
                return $"gitlab-runner[{random.Next(900, 1500)}]";
            case < 62 when p.HasService("php-fpm"):
                message = $"[{w.Local(at).ToString("dd-MMM-yyyy HH:mm:ss", Inv)}] WARNING: [pool www] seems busy (you may need to increase pm.start_servers, or pm.min/max_spare_servers), spawning 8 children, there are 0 idle, and 14 total children";
                return $"php-fpm8.1[{random.Next(800, 1200)}]";
            case < 72:
                message = random.Pick(new[] { "Starting systemd-tmpfiles-clean.service - Cleanup of Temporary Directories...", "systemd-tmpfiles-clean.service: Deactivated successfully.", "Finished systemd-tmpfiles-clean.service - Cleanup of Temporary Directories." });
                return systemd;
            case < 80:
                message = $"session-{random.Next(100, 9000)}.scope: Deactivated successfully.";
                return systemd;
            default:
                message = $"[origin software=\"rsyslogd\" swVersion=\"{p.Packages.FirstOrDefault(k => k.Name == "rsyslog")?.Version.Split('-')[0] ?? "8.2302.0"}\" x-pid=\"{random.Next(600, 900)}\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed";
                return "rsyslogd";
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at) => SyslogFormat.CronFiller(request.World, at, request.Random("pid").Next(1000, 400000));
}

/// <summary>/var/log/kern.log: the boot (with the persona's kernel banner) when the window holds it, then firewall and container-network noise.</summary>
internal sealed class KernLogWriter : LogWriter
{
    protected override double AverageLine => 150;

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var p = w.Persona;
        if (w.BootedAt >= minute && w.BootedAt < minute.AddMinutes(1))
        {
            var boot = w.BootedAt;
            string K(double t, string m) => SyslogFormat.Line(w, boot.AddSeconds(t + 3), "kernel", $"[{t,12:F6}] {m}");
            yield return K(0, $"Linux version {p.Kernel.Release} ({p.Kernel.Builder}) ({p.Kernel.Compiler}) {p.Kernel.Version}");
            yield return K(0, $"Command line: BOOT_IMAGE=/boot/vmlinuz-{p.Kernel.Release} root={(p.IsDebian ? "UUID=" + w.Random("fstab").Hex(8) : "LABEL=cloudimg-rootfs")} ro quiet");
            yield return K(0, "KERNEL supported cpus:");
            yield return K(0, "  Intel GenuineIntel");
            yield return K(0, "  AMD AuthenticAMD");
            yield return K(0.004, $"DMI: {(p.IsDebian ? "Supermicro SYS-1029P-WTR/X11DDW-L, BIOS 3.4 10/20/2021" : "Amazon EC2 t3.large/, BIOS 1.0 10/16/2017")}");
            yield return K(0.41, $"Memory: {random.Next(3_900_000, 64_000_000)}K/{random.Next(4_000_000, 67_000_000)}K available");
            foreach (var nic in p.Network.Interfaces.Where(n => !n.Name.StartsWith("docker", StringComparison.Ordinal)))
            {
                yield return K(2.1 + random.NextDouble(), $"{nic.Name}: renamed from eth{p.Network.Interfaces.IndexOf(nic)}");
            }
            yield return K(3.9, "EXT4-fs (sda1): mounted filesystem with ordered data mode. Quota mode: none.");
        }
        foreach (var at in Instants(minute, end, rate, random))
        {
            var uptime = (at - w.BootedAt).TotalSeconds;
            if (uptime < 10)
            {
                continue;
            }
            var nic = p.Network.Interfaces[0];
            string message;
            if (p.HasService("docker") && random.Chance(0.5))
            {
                var veth = "veth" + random.Hex(7);
                message = random.Pick(new[] { $"docker0: port {random.Next(1, 9)}({veth}) entered blocking state", $"docker0: port {random.Next(1, 9)}({veth}) entered forwarding state", $"docker0: port {random.Next(1, 9)}({veth}) entered disabled state", $"device {veth} left promiscuous mode" });
            }
            else
            {
                var src = PublicAddress(random);
                var dst = nic.Addresses[0].Split('/')[0];
                message = $"[UFW BLOCK] IN={nic.Name} OUT= MAC={nic.Mac}:{random.Hex(2)}:{random.Hex(2)}:{random.Hex(2)}:{random.Hex(2)}:{random.Hex(2)}:{random.Hex(2)}:08:00 SRC={src} DST={dst} LEN=44 TOS=0x00 PREC=0x00 TTL={random.Next(40, 250)} ID={random.Next(1, 65535)} PROTO=TCP SPT={random.Next(1024, 65535)} DPT={random.Pick(new[] { 23, 3389, 8080, 5900, 6379, 2375, 445, 1433 })} WINDOW=1024 RES=0x00 SYN URGP=0 ";
            }
            yield return SyslogFormat.Line(w, at, "kernel", $"[{uptime,12:F6}] {message}");
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var w = request.World;
        var uptime = Math.Max((at - w.BootedAt).TotalSeconds, 11);
        var prefix = SyslogFormat.Line(w, at, "kernel", $"[{uptime,12:F6}] audit: type=1400 audit({at.ToUnixTimeSeconds()}.{request.Random("ms").Next(100, 999)}:{request.Random("n").Next(100, 999)}): apparmor=\"DENIED\" operation=\"open\" profile=\"").TrimEnd('\n');
        var min = TextFitter.Bytes(prefix) + 3;
        return new Filler(min, 2 * min + 40, (length, random) => prefix + Words.Exactly(length - TextFitter.Bytes(prefix) - 2, Words.Identifiers, random).Replace(' ', '/') + "\"\n");
    }
}
