using System.Globalization;
using static Chronos.Persona.Planning.Octal;

namespace Chronos.Persona.Planning;

public static partial class WorldPlanner
{
    private static readonly string[] WordPressRootFiles =
    [
        "index.php", "wp-activate.php", "wp-blog-header.php", "wp-comments-post.php", "wp-config-sample.php", "wp-cron.php",
        "wp-links-opml.php", "wp-load.php", "wp-login.php", "wp-mail.php", "wp-settings.php", "wp-signup.php", "wp-trackback.php", "xmlrpc.php",
    ];

    private static readonly string[] WordPressAdminFiles = ["admin.php", "admin-ajax.php", "index.php", "install.php", "options.php", "plugins.php", "post.php", "upload.php", "users.php"];

    private static readonly string[] WordPressIncludeFiles = ["version.php", "functions.php", "class-wp-query.php", "pluggable.php", "plugin.php", "post.php", "user.php", "wp-db.php", "load.php"];

    private static void WebStack(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        if (!p.HasService("nginx"))
        {
            return;
        }
        var r = w.Random("plan:web");
        DateTimeOffset Admin() => r.Between(w.InstalledAt.AddDays(1), w.BootedAt);
        var nginxInstalled = w.InstalledAt.AddHours(1);
        b.Dir("/etc/nginx", time: nginxInstalled);
        b.NaturalGhost("/etc/nginx/nginx.conf", Generators.NginxSite, time: Admin());
        b.Dir("/etc/nginx/sites-available", time: Admin());
        b.Dir("/etc/nginx/sites-enabled", time: Admin());
        foreach (var site in p.Sites)
        {
            var t = Admin();
            b.NaturalGhost("/etc/nginx/sites-available/" + site.ServerName, Generators.NginxSite, time: t);
            b.Link("/etc/nginx/sites-enabled/" + site.ServerName, "/etc/nginx/sites-available/" + site.ServerName, t);
        }
        if (p.HasService("php-fpm"))
        {
            var version = p.Services.First(s => s.Kind == "php-fpm").Version ?? "8.1";
            b.NaturalGhost($"/etc/php/{version}/fpm/pool.d/www.conf", Generators.PhpFpmPool, time: Admin());
        }
        if (p.HasService("mysql"))
        {
            b.Dir("/etc/mysql", time: nginxInstalled);
            b.NaturalGhost("/etc/mysql/mysql.conf.d/mysqld.cnf", Generators.MyCnf, time: Admin());
            b.NaturalGhost("/etc/mysql/debian.cnf", Generators.MyCnf, O(600), time: w.InstalledAt.AddHours(1));
            b.Token(w.Secrets.MysqlDebianSysMaint, "password", "/etc/mysql/debian.cnf");
            b.Dir("/var/lib/mysql", O(700), "mysql", "mysql", w.SeededAt.AddMinutes(-r.Next(1, 50)));
        }
        b.Dir("/var/www", time: nginxInstalled);
        foreach (var site in p.Sites)
        {
            var siteTime = r.Between(w.InstalledAt.AddDays(1), w.InstalledAt.AddDays(5));
            var group = p.GroupById(p.User(site.Owner).Gid)!.Name;
            b.Dir(site.Root, O(755), site.Owner, group, Admin());
            if (site.Kind != "wordpress")
            {
                b.Ghost(site.Root + "/index.html", Generators.Document, r.Next(600, 9000), O(644), site.Owner, group, siteTime);
                continue;
            }
            foreach (var file in WordPressRootFiles)
            {
                b.Ghost($"{site.Root}/{file}", Generators.PhpSource, r.Next(350, 30000), O(644), site.Owner, group, siteTime);
            }
            b.Ghost(site.Root + "/license.txt", Generators.Document, r.Next(19000, 20000), O(644), site.Owner, group, siteTime);
            b.Ghost(site.Root + "/readme.html", Generators.Document, r.Next(7000, 7500), O(644), site.Owner, group, siteTime);
            b.NaturalGhost(site.Root + "/wp-config.php", Generators.WpConfig, O(640), site.Owner, group, siteTime.AddMinutes(12));
            foreach (var (owner, password) in w.Secrets.DatabasePasswords)
            {
                b.Token(password, "password", site.Root + "/wp-config.php");
            }
            b.Dir(site.Root + "/wp-admin", O(755), site.Owner, group, siteTime);
            foreach (var file in WordPressAdminFiles)
            {
                b.Ghost($"{site.Root}/wp-admin/{file}", Generators.PhpSource, r.Next(800, 40000), O(644), site.Owner, group, siteTime);
            }
            b.Dir(site.Root + "/wp-includes", O(755), site.Owner, group, siteTime);
            foreach (var file in WordPressIncludeFiles)
            {
                b.Ghost($"{site.Root}/wp-includes/{file}", Generators.PhpSource, r.Next(900, 90000), O(644), site.Owner, group, siteTime);
            }
            b.Dir(site.Root + "/wp-content", O(755), site.Owner, group, Admin());
            b.Dir(site.Root + "/wp-content/plugins", O(755), site.Owner, group, Admin());
            b.Dir(site.Root + "/wp-content/themes", O(755), site.Owner, group, Admin());
            b.Dir(site.Root + "/wp-content/uploads", O(755), site.Owner, group, Admin());
            foreach (var plugin in new[] { "akismet", "wordfence", "contact-form-7" })
            {
                var t = Admin();
                b.Dir($"{site.Root}/wp-content/plugins/{plugin}", O(755), site.Owner, group, t);
                b.Ghost($"{site.Root}/wp-content/plugins/{plugin}/{plugin}.php", Generators.PhpSource, r.Next(1500, 12000), O(644), site.Owner, group, t);
                b.Ghost($"{site.Root}/wp-content/plugins/{plugin}/readme.txt", Generators.Document, r.Next(2000, 15000), O(644), site.Owner, group, t);
            }
            b.Dir($"{site.Root}/wp-content/themes/brightleaf", O(755), site.Owner, group, Admin());
            foreach (var file in new[] { "functions.php", "header.php", "footer.php", "index.php", "single.php" })
            {
                b.Ghost($"{site.Root}/wp-content/themes/brightleaf/{file}", Generators.PhpSource, r.Next(600, 9000), O(644), site.Owner, group, Admin());
            }
            b.Ghost($"{site.Root}/wp-content/themes/brightleaf/style.css", Generators.Document, r.Next(3000, 30000), O(644), site.Owner, group, Admin());
        }
        // The nightly backup the root crontab runs: the script names where dumps go.
        var backupTime = Admin();
        b.NaturalGhost("/usr/local/bin/backup-wordpress.sh", Generators.ShellScript, O(750), time: backupTime);
        b.Token(w.Secrets.BackupUrl, "url", "/usr/local/bin/backup-wordpress.sh");
        b.Token(w.Secrets.BackupPassword, "password", "/usr/local/bin/backup-wordpress.sh");
        if (!b.Plan.HasDirectory("/var/backups"))
        {
            b.Dir("/var/backups", time: w.SeededAt.AddHours(-r.Next(3, 20)));
        }
        var lastDump = w.Local(w.SeededAt).Date.AddHours(3).AddMinutes(15);
        for (var day = 0; day < 3; day++)
        {
            var at = new DateTimeOffset(lastDump.AddDays(-day), w.Zone.GetUtcOffset(lastDump)).AddSeconds(r.Next(20, 200));
            if (at > w.SeededAt)
            {
                continue;
            }
            b.Ghost($"/var/backups/wordpress-{at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.sql", Generators.SqlDump, r.Next(900_000, 1_400_000), O(640), "root", "root", at);
        }
    }

    private static void Postgres(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        if (!p.HasService("postgresql"))
        {
            return;
        }
        var r = w.Random("plan:postgres");
        DateTimeOffset Admin() => r.Between(w.InstalledAt.AddDays(1), w.BootedAt);
        var installed = w.InstalledAt.AddHours(1);
        b.Dir("/etc/postgresql", O(755), "postgres", "postgres", installed);
        b.Dir("/etc/postgresql/15", O(755), "postgres", "postgres", installed);
        b.Dir("/etc/postgresql/15/main", O(755), "postgres", "postgres", Admin());
        b.NaturalGhost("/etc/postgresql/15/main/postgresql.conf", Generators.PostgresqlConf, O(644), "postgres", "postgres", Admin());
        b.NaturalGhost("/etc/postgresql/15/main/pg_hba.conf", Generators.PgHba, O(640), "postgres", "postgres", Admin());
        b.Dir("/var/lib/postgresql/15", O(755), "postgres", "postgres", installed);
        b.Dir("/var/lib/postgresql/15/main", O(700), "postgres", "postgres", w.BootedAt);
        b.Text("/var/lib/postgresql/15/main/PG_VERSION", "15\n", O(600), "postgres", "postgres", installed);
        b.Ghost("/var/lib/postgresql/.psql_history", Generators.BashHistory, r.Next(600, 5000), O(600), "postgres", "postgres", r.Between(w.SeededAt.AddDays(-3), w.SeededAt.AddHours(-1)));
        foreach (var user in p.Users.Where(u => u.Projects && u.Home.StartsWith("/home/", StringComparison.Ordinal)))
        {
            var group = p.GroupById(user.Gid)!.Name;
            b.NaturalGhost(user.Home + "/.pgpass", Generators.DotEnv, O(600), user.Name, group, Admin());
            foreach (var password in w.Secrets.DatabasePasswords.Values)
            {
                b.Token(password, "password", user.Home + "/.pgpass");
            }
        }
        if (!b.Plan.HasDirectory("/var/backups"))
        {
            b.Dir("/var/backups", time: w.SeededAt.AddHours(-r.Next(3, 20)));
        }
    }

    private static void BuildBox(PlanBuilder b)
    {
        var w = b.World;
        var p = w.Persona;
        if (!p.HasService("docker"))
        {
            return;
        }
        var r = w.Random("plan:ci");
        DateTimeOffset Admin() => r.Between(w.InstalledAt.AddDays(1), w.BootedAt);
        b.Dir("/etc/docker", time: w.InstalledAt.AddHours(1));
        b.Text("/etc/docker/daemon.json", "{\n  \"log-driver\": \"json-file\",\n  \"log-opts\": { \"max-size\": \"50m\", \"max-file\": \"3\" },\n  \"storage-driver\": \"overlay2\"\n}\n", time: Admin());
        b.Dir("/var/lib/docker", O(710), time: w.BootedAt);
        if (p.HasService("gitlab-runner"))
        {
            b.Dir("/etc/gitlab-runner", O(700), time: w.InstalledAt.AddHours(2));
            b.NaturalGhost("/etc/gitlab-runner/config.toml", Generators.RunnerConfig, O(600), time: Admin());
            b.Token(w.Secrets.RunnerToken, "token", "/etc/gitlab-runner/config.toml");
        }
        foreach (var home in new[] { "/root" }.Concat(p.Users.Where(u => u.Uid >= 1000 && u.Uid < 65534).Select(u => u.Home)))
        {
            var user = p.Users.First(u => u.Home == home);
            var group = p.GroupById(user.Gid)!.Name;
            var t = Admin();
            b.Dir(home + "/.docker", O(700), user.Name, group, t);
            b.NaturalGhost(home + "/.docker/config.json", Generators.DockerConfig, O(600), user.Name, group, t);
            b.Token(w.Secrets.RegistryPassword, "password", home + "/.docker/config.json");
        }
    }
}
