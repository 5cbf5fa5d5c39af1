using System.Globalization;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>/var/log/dpkg.log: unattended upgrades of the persona's own packages, to the versions dpkg/status lists.</summary>
internal sealed class DpkgLogWriter : LogWriter
{
    protected override double AverageLine => 75;

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var w = request.World;
        // Upgrades come in runs: one unattended-upgrades run upgrades a few packages.
        foreach (var at in Instants(minute, end, rate / 9, random))
        {
            var pkg = random.Pick(w.Persona.Packages);
            var stamp = w.Local(at).ToString("yyyy-MM-dd HH:mm:ss", Inv);
            var name = $"{pkg.Name}:{pkg.Arch}";
            var old = Previous(pkg.Version);
            yield return $"{stamp} startup archives unpack\n";
            yield return $"{stamp} upgrade {name} {old} {pkg.Version}\n";
            yield return $"{stamp} status half-configured {name} {old}\n";
            yield return $"{stamp} status unpacked {name} {old}\n";
            yield return $"{stamp} status half-installed {name} {old}\n";
            yield return $"{stamp} status unpacked {name} {pkg.Version}\n";
            yield return $"{stamp} startup packages configure\n";
            yield return $"{stamp} configure {name} {pkg.Version} <none>\n";
            yield return $"{stamp} status half-configured {name} {pkg.Version}\n";
            yield return $"{stamp} status installed {name} {pkg.Version}\n";
        }
    }

    /// <summary>The version before an update: the last number of the revision, one lower.</summary>
    internal static string Previous(string version)
    {
        for (var i = version.Length - 1; i >= 0; i--)
        {
            if (char.IsAsciiDigit(version[i]))
            {
                var start = i;
                while (start > 0 && char.IsAsciiDigit(version[start - 1]))
                {
                    start--;
                }
                var n = int.Parse(version.AsSpan(start, i - start + 1), CultureInfo.InvariantCulture);
                return n > 0 ? version[..start] + (n - 1).ToString(CultureInfo.InvariantCulture) + version[(i + 1)..] : version + "~0";
            }
        }
        return version;
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var prefix = request.World.Local(at).ToString("yyyy-MM-dd HH:mm:ss", Inv) + " status installed ";
        var min = prefix.Length + 8;
        return new Filler(min, 2 * min + 30, (length, random) =>
        {
            var pkg = random.Pick(request.World.Persona.Packages);
            var body = $"{pkg.Name}:{pkg.Arch} {pkg.Version}";
            var room = length - prefix.Length - 1;
            return body.Length <= room
                ? prefix + body + (room > body.Length ? " " + Words.Exactly(room - body.Length - 1, Words.Identifiers, random).Replace(' ', '-') : "") + "\n"
                : prefix + Words.Exactly(room, Words.Identifiers, random).Replace(' ', '-') + "\n";
        });
    }

    protected override bool StampFirst => true;
}

/// <summary>nginx access.log in the "combined" format: visitors and crawlers on the persona's sites, and the usual scanners.</summary>
internal sealed class NginxAccessWriter : LogWriter
{
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "WordPress/6.6.2; https://brightleaf-media.com",
    ];

    private static readonly string[] Pages = ["/", "/about/", "/services/", "/contact/", "/blog/", "/feed/", "/wp-json/wp/v2/posts?per_page=10", "/portfolio/", "/case-studies/", "/robots.txt", "/sitemap.xml", "/wp-sitemap-posts-post-1.xml"];

    private static readonly string[] Probes = ["/.env", "/wp-login.php", "/xmlrpc.php", "/.git/config", "/phpmyadmin/", "/wp-content/plugins/wp-file-manager/readme.txt", "/admin/.env", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", "/cgi-bin/luci/;stok=/locale", "/wp-admin/setup-config.php", "/.aws/credentials", "/server-status"];

    protected override double AverageLine => 230;

    protected override bool StampFirst => false;

    protected override IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        foreach (var at in Instants(minute, end, rate, random))
        {
            yield return Line(request, at, random);
        }
    }

    private static string Line(GhostRequest request, DateTimeOffset at, SeededRandom random)
    {
        var w = request.World;
        var site = w.Persona.Sites.Count > 0 ? w.Persona.Sites[0].ServerName : w.Persona.Fqdn;
        var ip = LogWriter.PublicAddress(random);
        var roll = random.Next(100);
        string method = "GET", path, referer = "-";
        int status, bytes;
        if (roll < 60)
        {
            path = random.Pick(Pages);
            status = random.Chance(0.1) ? 304 : 200;
            bytes = status == 304 ? 0 : random.Next(3000, 90000);
            referer = random.Chance(0.4) ? $"https://{site}/" : random.Chance(0.3) ? "https://www.google.com/" : "-";
        }
        else if (roll < 80)
        {
            var year = random.Next(2023, 2025);
            path = $"/wp-content/uploads/{year}/{random.Next(1, 13):D2}/{random.Pick(new[] { "team", "office", "hero", "banner", "project", "client-logo" })}-{random.Next(1, 40)}-{random.Pick(new[] { "1024x683", "300x200", "768x512", "scaled" })}.{random.Pick(new[] { "jpg", "png", "webp" })}";
            status = 200;
            bytes = random.Next(8000, 400000);
            referer = $"https://{site}{random.Pick(Pages)}";
        }
        else if (roll < 88)
        {
            method = "POST";
            path = random.Chance(0.6) ? "/wp-login.php" : "/xmlrpc.php";
            status = 200;
            bytes = random.Next(3000, 5000);
        }
        else
        {
            path = random.Pick(Probes);
            status = path is "/wp-login.php" or "/xmlrpc.php" ? 200 : 404;
            bytes = status == 404 ? 162 : random.Next(2000, 5000);
        }
        return $"{ip} - - [{Stamp(w, at)}] \"{method} {path} HTTP/1.1\" {status} {bytes} \"{referer}\" \"{random.Pick(Agents)}\"\n";
    }

    internal static string Stamp(WorldContext w, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, w.Zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return local.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture) + $" {sign}{Math.Abs(offset.Hours):D2}{Math.Abs(offset.Minutes):D2}";
    }

    protected override Filler Filler(GhostRequest request, DateTimeOffset at)
    {
        var site = request.World.Persona.Sites.Count > 0 ? request.World.Persona.Sites[0].ServerName : request.World.Persona.Fqdn;
        var ip = LogWriter.PublicAddress(request.Random("fill-ip"));
        var prefix = $"{ip} - - [{Stamp(request.World, at)}] \"GET /?s=";
        var suffix = $" HTTP/1.1\" 200 {request.Random("fill-bytes").Next(10000, 99999)} \"https://{site}/\" \"{Agents[0]}\"\n";
        var min = prefix.Length + suffix.Length + 1;
        return new Filler(min, 2 * min + 10, (length, random) => prefix + Words.Exactly(length - prefix.Length - suffix.Length, Words.Prose, random).Replace(' ', '+') + suffix);
    }
}
