using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// /var/log/auth.log: the Internet's password guessing against sshd, the persona's own users
/// logging in from the addresses they work from, sudo, and a pam session for every cron run.
/// Names a user only if the persona has it (guesses are logged as "invalid user").
/// </summary>
internal sealed class AuthLogWriter : LogWriter
{
    private static readonly string[] Guesses =
    [
        "admin", "test", "user", "ubuntu", "oracle", "postgres", "git", "ftpuser", "guest", "support", "deploy", "pi", "dev",
        "ansible", "jenkins", "hadoop", "minecraft", "steam", "vagrant", "centos", "test1", "www", "mysql", "es", "solana", "sol",
        "validator", "debian", "student", "ali", "hive", "nagios", "zabbix", "tomcat", "ubnt", "teamspeak", "uploader",
    ];

    protected override double AverageLine => 105;

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var p = w.Persona;
        var local = w.Local(minute);
        foreach (var job in p.Cron.Concat(SystemCron))
        {
            if (minute <= end && CronSchedule.Fires(job.Schedule, local))
            {
                var pid = random.Next(1000, 400000);
                var uid = p.Users.FirstOrDefault(u => u.Name == job.User)?.Uid ?? 0;
                yield return SyslogFormat.Line(w, minute.AddSeconds(1 + random.NextDouble()), $"CRON[{pid}]", $"pam_unix(cron:session): session opened for user {job.User}(uid={uid}) by (uid=0)");
                yield return SyslogFormat.Line(w, minute.AddSeconds(2 + random.NextDouble()), $"CRON[{pid}]", $"pam_unix(cron:session): session closed for user {job.User}");
            }
        }
        // Scanners arrive in bursts: each event is one connection's worth of lines (about four).
        foreach (var at in Instants(minute, end, rate / 4, random))
        {
            foreach (var line in Event(request, at, random))
            {
                yield return line;
            }
        }
    }

    private static readonly Model.CronJob[] SystemCron = [new() { User = "root", Schedule = "17 * * * *", Command = "cd / && run-parts --report /etc/cron.hourly" }];

    private static IEnumerable<string> Event(GhostRequest request, DateTimeOffset at, SeededRandom random)
    {
        var w = request.World;
        var p = w.Persona;
        var pid = random.Next(1000, 400000);
        var sshd = $"sshd[{pid}]";
        var ip = PublicAddress(random);
        var port = random.Next(1024, 65536);
        var roll = random.Next(100);
        if (roll < 55)
        {
            var user = random.Pick(Guesses);
            if (p.Users.Any(u => u.Name == user))
            {
                user += random.Next(1, 99).ToString(Inv);
            }
            yield return SyslogFormat.Line(w, at, sshd, $"Invalid user {user} from {ip} port {port}");
            yield return SyslogFormat.Line(w, at.AddMilliseconds(random.Next(50, 400)), sshd, "pam_unix(sshd:auth): check pass; user unknown");
            yield return SyslogFormat.Line(w, at.AddMilliseconds(random.Next(400, 900)), sshd, $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}");
            yield return SyslogFormat.Line(w, at.AddSeconds(2), sshd, $"Failed password for invalid user {user} from {ip} port {port} ssh2");
            yield return SyslogFormat.Line(w, at.AddSeconds(3), sshd, $"Received disconnect from {ip} port {port}:11: Bye Bye [preauth]");
            yield return SyslogFormat.Line(w, at.AddSeconds(3), sshd, $"Disconnected from invalid user {user} {ip} port {port} [preauth]");
        }
        else if (roll < 80)
        {
            yield return SyslogFormat.Line(w, at, sshd, $"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root");
            yield return SyslogFormat.Line(w, at.AddSeconds(2), sshd, $"Failed password for root from {ip} port {port} ssh2");
            yield return SyslogFormat.Line(w, at.AddSeconds(3), sshd, $"Received disconnect from {ip} port {port}:11: Bye Bye [preauth]");
            yield return SyslogFormat.Line(w, at.AddSeconds(3), sshd, $"Disconnected from authenticating user root {ip} port {port} [preauth]");
        }
        else if (roll < 92)
        {
            yield return SyslogFormat.Line(w, at, sshd, $"Connection closed by {ip} port {port} [preauth]");
        }
        else
        {
            var users = p.LoginUsers.Where(u => u.Password is not null || u.AuthorizedKeys.Count > 0).ToList();
            if (users.Count == 0)
            {
                yield break;
            }
            var user = random.Pick(users);
            var from = p.Network.Peers.Count > 0 && random.Chance(0.7) ? random.Pick(p.Network.Peers).Address : PublicAddress(random);
            var method = user.AuthorizedKeys.Count > 0 ? $"publickey for {user.Name} from {from} port {port} ssh2: ED25519 SHA256:{random.Token(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}" : $"password for {user.Name} from {from} port {port} ssh2";
            var session = random.Next(100, 9000);
            yield return SyslogFormat.Line(w, at, sshd, "Accepted " + method);
            yield return SyslogFormat.Line(w, at.AddMilliseconds(30), sshd, $"pam_unix(sshd:session): session opened for user {user.Name}(uid={user.Uid}) by (uid=0)");
            yield return SyslogFormat.Line(w, at.AddMilliseconds(60), $"systemd-logind[{random.Next(500, 900)}]", $"New session {session} of user {user.Name}.");
            if (user.Uid != 0 && p.Groups.Any(g => g.Name == "sudo" && g.Members.Contains(user.Name)))
            {
                var command = random.Pick(new[] { "/usr/bin/systemctl status nginx", "/usr/bin/apt update", "/usr/bin/tail -n 200 /var/log/syslog", "/usr/bin/journalctl -xe", "/usr/bin/systemctl restart php8.1-fpm", "/usr/bin/docker ps", "/usr/bin/systemctl reload postgresql" });
                yield return SyslogFormat.Line(w, at.AddSeconds(40), "sudo", $"{user.Name} : TTY=pts/0 ; PWD={user.Home} ; USER=root ; COMMAND={command}");
                yield return SyslogFormat.Line(w, at.AddSeconds(40), "sudo", $"pam_unix(sudo:session): session opened for user root(uid=0) by {user.Name}(uid={user.Uid})");
                yield return SyslogFormat.Line(w, at.AddSeconds(41), "sudo", "pam_unix(sudo:session): session closed for user root");
            }
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at) => SyslogFormat.CronFiller(request.World, at, request.Random("pid").Next(1000, 400000));
}
