using System.Globalization;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>nginx error.log: probes for files that are not there, and PHP-FPM hiccups, on the persona's vhosts.</summary>
internal sealed class NginxErrorWriter : LogWriter
{
    protected override double AverageLine => 260;

    private static string Stamp(WorldContext w, DateTimeOffset at) => w.Local(at).ToString("yyyy/MM/dd HH:mm:ss", CultureInfo.InvariantCulture);

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var site = w.Persona.Sites.FirstOrDefault();
        var server = site?.ServerName ?? w.Persona.Fqdn;
        var root = site?.Root ?? "/var/www/html";
        var php = w.Persona.Services.FirstOrDefault(s => s.Kind == "php-fpm")?.Version ?? "8.1";
        foreach (var at in Instants(minute, end, rate, random))
        {
            var ip = PublicAddress(random);
            var worker = random.Next(900, 1300);
            var conn = random.Next(10000, 9_000_000);
            var probe = random.Pick(new[] { "/.env", "/.git/config", "/phpmyadmin/index.php", "/admin/.env", "/.aws/credentials", "/backup.zip" });
            yield return random.Chance(0.75)
                ? $"{Stamp(w, at)} [error] {worker}#{worker}: *{conn} open() \"{root}{probe}\" failed (2: No such file or directory), client: {ip}, server: {server}, request: \"GET {probe} HTTP/1.1\", host: \"{w.PrimaryAddress}\"\n"
                : $"{Stamp(w, at)} [error] {worker}#{worker}: *{conn} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: {server}, request: \"POST /wp-admin/admin-ajax.php HTTP/1.1\", upstream: \"fastcgi://unix:/run/php/php{php}-fpm.sock\", host: \"{server}\", referrer: \"https://{server}/wp-admin/\"\n";
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var w = request.World;
        var prefix = $"{Stamp(w, at)} [warn] {request.Random("w").Next(900, 1300)}#0: *{request.Random("c").Next(10000, 900000)} an upstream response is buffered to a temporary file /var/lib/nginx/fastcgi/";
        var min = prefix.Length + 2;
        return new Filler(min, 2 * min + 20, (length, random) => prefix + Words.Exactly(length - prefix.Length - 1, Words.Identifiers, random).Replace(' ', '/') + "\n");
    }
}

/// <summary>MySQL 8.0 error.log: the server start at boot, then aborted connections and DNS warnings from the persona's clients.</summary>
internal sealed class MysqlErrorWriter : LogWriter
{
    protected override double AverageLine => 150;

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var version = w.Persona.Packages.FirstOrDefault(k => k.Name.StartsWith("mysql-server", StringComparison.Ordinal))?.Version ?? "8.0.36";
        var db = w.Persona.Databases.FirstOrDefault(d => d.Engine == "mysql");
        var start = w.BootedAt.AddSeconds(9);
        if (start >= minute && start < minute.AddMinutes(1))
        {
            var pid = random.Next(700, 1100);
            yield return $"{Stamp(start)} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld {version}) starting as process {pid}\n";
            yield return $"{Stamp(start.AddMilliseconds(21))} 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.\n";
            yield return $"{Stamp(start.AddMilliseconds(812))} 1 [System] [MY-013577] [InnoDB] InnoDB initialization has ended.\n";
            yield return $"{Stamp(start.AddSeconds(1.4))} 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.\n";
            yield return $"{Stamp(start.AddSeconds(1.5))} 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '127.0.0.1' port: 33060, socket: /var/run/mysqld/mysqlx.sock\n";
            yield return $"{Stamp(start.AddSeconds(1.5))} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '{version}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  (Ubuntu).\n";
        }
        foreach (var at in Instants(minute, end, rate, random))
        {
            if (at < start)
            {
                continue;
            }
            var conn = random.Next(1000, 900000);
            yield return db is not null && random.Chance(0.7)
                ? $"{Stamp(at)} {conn} [Note] [MY-010914] [Server] Aborted connection {conn} to db: '{db.Name}' user: '{db.Owner}' host: 'localhost' (Got an error reading communication packets).\n"
                : $"{Stamp(at)} {conn} [Warning] [MY-010055] [Server] IP address '{PublicAddress(random)}' could not be resolved: Name or service not known\n";
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var prefix = $"{Stamp(at)} 0 [Note] [MY-010914] [Server] Aborted connection {request.Random("c").Next(1000, 90000)} to db: 'unconnected' user: 'unauthenticated' host: 'localhost' (";
        var min = prefix.Length + 4;
        return new Filler(min, 2 * min, (length, random) => prefix + Words.Exactly(length - prefix.Length - 3, Words.Prose, random) + ").\n");
    }
}

/// <summary>PostgreSQL 15's log (Debian's log_line_prefix '%m [%p] %q%u@%d '): checkpoints, slow statements from the persona's roles, refused guesses.</summary>
internal sealed class PostgresqlLogWriter : LogWriter
{
    protected override double AverageLine => 140;

    private static string Stamp(WorldContext w, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, w.Zone);
        var abbreviation = w.Persona.TimeZone switch
        {
            "Europe/Berlin" => w.Zone.IsDaylightSavingTime(local) ? "CEST" : "CET",
            "Europe/London" => w.Zone.IsDaylightSavingTime(local) ? "BST" : "GMT",
            _ => "UTC",
        };
        return local.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + abbreviation;
    }

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        var local = w.Local(minute);
        if (local.Minute % 5 == 0)
        {
            var pid = 1000 + (int)(w.WorldSeed % 400);
            var at = minute.AddSeconds(random.Next(0, 20));
            var buffers = random.Next(10, 4000);
            yield return $"{Stamp(w, at)} [{pid}] LOG:  checkpoint starting: time\n";
            yield return $"{Stamp(w, at.AddSeconds(random.Next(20, 200)))} [{pid}] LOG:  checkpoint complete: wrote {buffers} buffers ({buffers / 163.84:F1}%); 0 WAL file(s) added, 0 removed, {random.Next(0, 3)} recycled; write={random.Next(1, 180)}.{random.Next(100, 999)} s, sync=0.{random.Next(1, 99):D3} s, total={random.Next(1, 180)}.{random.Next(100, 999)} s; sync files={random.Next(3, 80)}, longest=0.{random.Next(1, 50):D3} s, average=0.00{random.Next(1, 9)} s; distance={random.Next(100, 90000)} kB, estimate={random.Next(100, 90000)} kB\n";
        }
        foreach (var at in Instants(minute, end, rate, random))
        {
            var pid = random.Next(100000, 900000);
            if (w.Persona.Databases.Count > 0 && random.Chance(0.7))
            {
                var db = random.Pick(w.Persona.Databases);
                var table = random.Pick(new[] { "orders", "shipments", "order_lines", "customers", "stock_moves", "invoices" });
                yield return $"{Stamp(w, at)} [{pid}] {db.Owner}@{db.Name} LOG:  duration: {random.Next(1000, 9000)}.{random.Next(100, 999)} ms  statement: SELECT * FROM {table} WHERE updated_at > now() - interval '{random.Next(1, 48)} hours' ORDER BY id\n";
            }
            else
            {
                var role = random.Pick(new[] { "postgres", "admin", "root", "pgsql" });
                yield return $"{Stamp(w, at)} [{pid}] {role}@postgres FATAL:  password authentication failed for user \"{role}\"\n";
                yield return $"{Stamp(w, at)} [{pid}] {role}@postgres DETAIL:  Connection matched pg_hba.conf line 103: \"host    all             all             0.0.0.0/0               scram-sha-256\"\n";
            }
        }
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var w = request.World;
        var db = w.Persona.Databases.FirstOrDefault();
        var prefix = $"{Stamp(w, at)} [{request.Random("p").Next(100000, 900000)}] {db?.Owner ?? "postgres"}@{db?.Name ?? "postgres"} LOG:  statement: -- ";
        var min = prefix.Length + 2;
        return new Filler(min, 2 * min + 10, (length, random) => prefix + Words.Exactly(length - prefix.Length - 1, Words.Prose, random) + "\n");
    }
}
