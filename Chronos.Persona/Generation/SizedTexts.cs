using System.Globalization;
using System.Text;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>Files whose size the plan chose (histories, source, documents, dumps): an endless supply of blocks in the persona's terms, fitted by <see cref="TextFitter"/>.</summary>
internal static class SizedTexts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static byte[] BashHistory(GhostRequest r, long size) =>
        TextFitter.Forward(size, "", HistoryBlocks(r), "", HistoryFiller, r.Random("history-fill"));

    /// <summary>An endless history of this user's plausible commands.</summary>
    internal static IEnumerable<string> HistoryBlocks(GhostRequest r)
    {
        var random = r.Random("history");
        var commands = HistoryCommands(r).ToArray();
        while (true)
        {
            yield return random.Pick(commands) + "\n";
        }
    }

    /// <summary>Exact-length history lines: a grep for an identifier.</summary>
    internal static readonly Filler HistoryFiller = new(15, 160, (length, rnd) => "grep -rn \"" + Words.Exactly(length - 14, Words.Identifiers, rnd).Replace(' ', '_') + "\" .\n");

    private static IEnumerable<string> HistoryCommands(GhostRequest r)
    {
        var p = r.World.Persona;
        var user = r.Owner;
        string[] common = ["ls -la", "ll", "cd", "cd ..", "df -h", "free -m", "uptime", "w", "top", "htop", "history | tail -20", "sudo -i", "exit", "clear", "ps aux | grep -v grep | grep -i ssh", "ss -tlnp", "ip a", "cat /etc/os-release", "uname -a", "sudo apt update", "sudo apt upgrade -y", "tail -f /var/log/syslog", "sudo tail -n 100 /var/log/auth.log", "du -sh * | sort -h", "journalctl -xe"];
        foreach (var c in common)
        {
            yield return user?.Uid == 0 ? c.Replace("sudo ", "", StringComparison.Ordinal) : c;
        }
        if (r.FileName == ".psql_history")
        {
            foreach (var db in p.Databases)
            {
                yield return $"\\c {db.Name}";
                yield return "\\dt";
                yield return $"SELECT count(*) FROM orders WHERE created_at > now() - interval '1 day';";
                yield return $"SELECT pid, usename, state, query_start FROM pg_stat_activity WHERE datname = '{db.Name}';";
                yield return "SELECT * FROM pg_stat_replication;";
                yield return $"ALTER ROLE {db.Owner} CONNECTION LIMIT 50;";
            }
            yield break;
        }
        if (p.HasService("nginx"))
        {
            yield return "sudo nginx -t";
            yield return "sudo systemctl reload nginx";
            yield return "sudo tail -f /var/log/nginx/error.log";
            yield return "cd /var/www/html";
            yield return "sudo -u www-data wp plugin list";
            yield return "sudo -u www-data wp core version";
            yield return "sudo -u www-data wp plugin update --all";
            yield return "sudo systemctl restart php8.1-fpm";
            yield return "sudo certbot renew --dry-run";
            foreach (var db in p.Databases.Where(d => d.Engine == "mysql"))
            {
                yield return $"mysql -u {db.Owner} -p {db.Name}";
                yield return $"mysqldump -u {db.Owner} -p {db.Name} > ~/{db.Name}-$(date +%F).sql";
            }
            yield return "sudo /usr/local/bin/backup-wordpress.sh";
            yield return "ls -la /var/backups/";
        }
        if (p.HasService("postgresql"))
        {
            yield return "sudo -u postgres psql";
            yield return "sudo systemctl status postgresql@15-main";
            yield return "sudo -u postgres pg_lsclusters";
            yield return "sudo tail -n 200 /var/log/postgresql/postgresql-15-main.log";
            yield return "sudo vim /etc/postgresql/15/main/pg_hba.conf";
            yield return "sudo systemctl reload postgresql@15-main";
            yield return "ls -lh /var/backups/postgresql/";
            foreach (var db in p.Databases)
            {
                yield return $"psql -h localhost -U {db.Owner} {db.Name}";
            }
        }
        if (p.HasService("docker"))
        {
            yield return "docker ps";
            yield return "docker ps -a";
            yield return "docker images";
            yield return "docker system df";
            yield return "docker system prune -af";
            yield return "sudo gitlab-runner status";
            yield return "sudo gitlab-runner list";
            yield return "sudo systemctl restart gitlab-runner";
            yield return "sudo journalctl -u gitlab-runner --since today";
            yield return "docker logs --tail 50 $(docker ps -lq)";
        }
        foreach (var peer in p.Network.Peers)
        {
            yield return $"ssh {(user?.Uid == 0 ? "root" : user?.Name ?? "root")}@{peer.Names[^1]}";
            yield return $"ping -c 3 {peer.Address}";
        }
        if (user?.Projects == true)
        {
            yield return $"cd {user.Home}/projects";
            yield return "git pull";
            yield return "git status";
            yield return "git log --oneline | head";
        }
    }

    public static byte[] PhpSource(GhostRequest r, long size)
    {
        var random = r.Random("php");
        var name = Path.GetFileNameWithoutExtension(r.FileName).Replace('-', '_');
        var header = $"<?php\n/**\n * {Path.GetFileNameWithoutExtension(r.FileName).Replace('-', ' ')}\n *\n * @package WordPress\n */\n\n";
        IEnumerable<string> Blocks()
        {
            for (var i = 0; ; i++)
            {
                var fn = $"{name}_{random.Pick(Words.Identifiers)}_{random.Pick(Words.Identifiers)}";
                var arg = random.Pick(Words.Identifiers);
                yield return $"/**\n * Returns the {arg} for the current request.\n *\n * @param mixed ${arg}\n * @return mixed\n */\nfunction {fn}( ${arg} = null ) {{\n\tif ( null === ${arg} ) {{\n\t\t${arg} = get_option( '{name}_{arg}' );\n\t}}\n\treturn apply_filters( '{fn}', ${arg} );\n}}\n\n";
            }
        }
        return TextFitter.Forward(size, header, Blocks(), "", Filler.Comment("// ", Words.Prose), r.Random("php-fill"));
    }

    public static byte[] Document(GhostRequest r, long size)
    {
        var random = r.Random("doc");
        var p = r.World.Persona;
        var css = r.FileName.EndsWith(".css", StringComparison.Ordinal);
        var header = css
            ? $"/*\nTheme Name: {p.Sites.FirstOrDefault()?.ServerName ?? p.Hostname}\nAuthor: {p.Domain}\nVersion: 2.{random.Next(0, 9)}.{random.Next(0, 20)}\n*/\n\n"
            : $"{Path.GetFileNameWithoutExtension(r.FileName)}\n{new string('=', Path.GetFileNameWithoutExtension(r.FileName).Length)}\n\n";
        IEnumerable<string> Blocks()
        {
            while (true)
            {
                if (css)
                {
                    yield return $".{random.Pick(Words.Identifiers)}-{random.Pick(Words.Identifiers)} {{\n\tmargin: {random.Next(0, 40)}px {random.Next(0, 40)}px;\n\tcolor: #{random.Hex(6)};\n}}\n\n";
                }
                else
                {
                    var sentence = new StringBuilder();
                    for (var i = random.Next(2, 6); i > 0; i--)
                    {
                        var words = Words.Exactly(random.Next(30, 90), Words.Prose, random);
                        sentence.Append(char.ToUpperInvariant(words[0])).Append(words.AsSpan(1)).Append(". ");
                    }
                    yield return sentence.ToString().TrimEnd() + "\n\n";
                }
            }
        }
        return TextFitter.Forward(size, header, Blocks(), "", css ? new Filler(6, 160, (n, rnd) => "/* " + Words.Exactly(n - 6, Words.Prose, rnd) + "*/\n") : Filler.Comment("", Words.Prose), r.Random("doc-fill"));
    }

    public static byte[] ShellScript(GhostRequest r, long size)
    {
        var header = $"#!/bin/bash\n# {r.FileName}: maintenance helper for {r.World.Persona.Hostname}\nset -euo pipefail\n\n";
        var random = r.Random("sh");
        IEnumerable<string> Blocks()
        {
            while (true)
            {
                yield return random.Pick(new[] { "log() { logger -t \"$(basename \"$0\")\" \"$*\"; }\n", "cd \"$(dirname \"$0\")\"\n", "git pull --ff-only\n", "make build\n", "log \"done\"\n", "test -f .env && source .env\n" });
            }
        }
        return TextFitter.Forward(size, header, Blocks(), "", Filler.Comment("# "), r.Random("sh-fill"));
    }

    public static byte[] SqlDump(GhostRequest r, long size)
    {
        var w = r.World;
        var p = w.Persona;
        var random = r.Random("sql");
        var mysql = p.HasService("mysql");
        var db = p.Databases.FirstOrDefault();
        var stamp = w.Local(r.Mtime);
        string header, footer;
        Func<IEnumerable<string>> Blocks;
        if (mysql)
        {
            var version = p.Packages.FirstOrDefault(k => k.Name.StartsWith("mysql-server", StringComparison.Ordinal))?.Version ?? "8.0.36";
            header = $"-- MySQL dump 10.13  Distrib {version.Split('-')[0]}, for Linux (x86_64)\n--\n-- Host: localhost    Database: {db?.Name}\n-- ------------------------------------------------------\n-- Server version\t{version.Split('-')[0]}-0ubuntu0.22.04.1\n\n" +
                     "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n/*!50503 SET NAMES utf8mb4 */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n\n" +
                     "--\n-- Table structure for table `wp_users`\n--\n\nDROP TABLE IF EXISTS `wp_users`;\nCREATE TABLE `wp_users` (\n  `ID` bigint unsigned NOT NULL AUTO_INCREMENT,\n  `user_login` varchar(60) NOT NULL DEFAULT '',\n  `user_pass` varchar(255) NOT NULL DEFAULT '',\n  `user_email` varchar(100) NOT NULL DEFAULT '',\n  `user_registered` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  PRIMARY KEY (`ID`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n\n" +
                     $"INSERT INTO `wp_users` VALUES (1,'brightleaf_admin','$P${random.Token(31, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}','webmaster@{p.Domain}','{WorldContext.Iso(w.InstalledAt).Replace('T', ' ').TrimEnd('Z')}');\n\n" +
                     "DROP TABLE IF EXISTS `wp_postmeta`;\nCREATE TABLE `wp_postmeta` (\n  `meta_id` bigint unsigned NOT NULL AUTO_INCREMENT,\n  `post_id` bigint unsigned NOT NULL DEFAULT '0',\n  `meta_key` varchar(255) DEFAULT NULL,\n  `meta_value` longtext,\n  PRIMARY KEY (`meta_id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n\n";
            footer = $"\n-- Dump completed on {stamp.ToString("yyyy-MM-dd HH:mm:ss", Inv)}\n";
            Blocks = () => Rows(id => $"INSERT INTO `wp_postmeta` VALUES ({id},{random.Next(1, 4000)},'_{random.Pick(Words.Identifiers)}_{random.Pick(Words.Identifiers)}','{Words.Exactly(random.Next(8, 120), Words.Prose, random)}');\n");
        }
        else
        {
            header = $"--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 15.13 (Debian 15.13-0+deb12u1)\n-- Dumped by pg_dump version 15.13 (Debian 15.13-0+deb12u1)\n\nSET statement_timeout = 0;\nSET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n" +
                     $"CREATE TABLE public.orders (\n    id bigint NOT NULL,\n    customer_id bigint NOT NULL,\n    status text NOT NULL,\n    total numeric(12,2),\n    created_at timestamp with time zone DEFAULT now()\n);\n\nALTER TABLE public.orders OWNER TO {db?.Owner ?? "postgres"};\n\n" +
                     "COPY public.orders (id, customer_id, status, total, created_at) FROM stdin;\n";
            footer = "\\.\n\n\n--\n-- PostgreSQL database dump complete\n--\n\n";
            var t0 = w.InstalledAt;
            Blocks = () => Rows(id => $"{id}\t{random.Next(1000, 99999)}\t{random.Pick(new[] { "shipped", "delivered", "picking", "cancelled", "invoiced" })}\t{random.Next(5, 20000)}.{random.Next(0, 100):D2}\t{(t0 + TimeSpan.FromMinutes(id * 7)).ToString("yyyy-MM-dd HH:mm:ss", Inv)}+00\n");
        }
        var filler = mysql
            ? Filler.Comment("-- ")
            : new Filler(48, 200, (length, rnd) =>
            {
                var head = $"{rnd.Next(100000, 999999)}\t{rnd.Next(1000, 99999)}\t";
                const string tail = "\t0.00\t2024-01-02 00:00:00+00\n";
                var room = length - head.Length - tail.Length;
                return room >= 1 ? head + Words.Exactly(room, Words.Prose, rnd) + tail : null;
            });
        return TextFitter.Forward(size, header, Blocks(), footer, filler, r.Random("sql-fill"));

        static IEnumerable<string> Rows(Func<int, string> row)
        {
            for (var id = 1; ; id++)
            {
                yield return row(id);
            }
        }
    }
}
