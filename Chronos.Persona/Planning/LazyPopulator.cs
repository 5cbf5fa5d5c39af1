using System.Globalization;
using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;
using static Chronos.Persona.Planning.Octal;

namespace Chronos.Persona.Planning;

/// <summary>
/// The entries of a lazy directory, decided from the world seed and the directory's planned path
/// the first time anyone looks inside. Subdirectories are lazy in turn, so a deep tree costs
/// nothing until it is walked. Deterministic: every process decides the same entries, and the
/// Hypervisor's populate keeps the first.
/// </summary>
public static class LazyPopulator
{
    private static readonly string[] Repositories = ["infra-scripts", "site-theme", "billing-api", "ops-runbooks", "data-export"];

    public static (List<DeclaredEntry> Entries, List<PlantedToken> Tokens) Entries(WorldContext world, GhostOrigin origin, InodeAttributes directory)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(directory);
        var entries = new List<DeclaredEntry>();
        var tokens = new List<PlantedToken>();
        var random = world.Random("lazy:" + origin);
        var dirTime = DateTimeOffset.FromUnixTimeSeconds(directory.Mtime.Seconds);
        var owner = directory.Uid;
        var group = directory.Gid;

        DeclaredEntry Dir(string name, string generator, DateTimeOffset t) => new()
        {
            Name = name, Mode = FileModes.S_IFDIR | O(755), Uid = owner, Gid = group, Mtime = PlanBuilder.Time(t), Atime = PlanBuilder.Time(t), Ctime = PlanBuilder.Time(t),
            Lazy = true, Origin = new GhostOrigin(generator, origin.Path + "/" + name).ToString(),
        };
        DeclaredEntry Ghost(string name, string generator, long size, DateTimeOffset t, uint mode = 0) => new()
        {
            Name = name, Mode = FileModes.S_IFREG | (mode == 0 ? O(644) : mode), Uid = owner, Gid = group, Size = size, Mtime = PlanBuilder.Time(t), Atime = PlanBuilder.Time(t), Ctime = PlanBuilder.Time(t),
            Content = ContentState.Ghost, Origin = new GhostOrigin(generator, origin.Path + "/" + name).ToString(),
        };
        DeclaredEntry Text(string name, string text, DateTimeOffset t, uint mode = 0) => new()
        {
            Name = name, Mode = FileModes.S_IFREG | (mode == 0 ? O(644) : mode), Uid = owner, Gid = group, Size = Encoding.UTF8.GetByteCount(text), Mtime = PlanBuilder.Time(t), Atime = PlanBuilder.Time(t), Ctime = PlanBuilder.Time(t),
            InlineContent = Encoding.UTF8.GetBytes(text),
        };
        long Natural(string name, string generator, DateTimeOffset t) =>
            OfflineGenerator.NaturalSize(new GhostRequest(world, new GhostOrigin(generator, origin.Path + "/" + name), 0, t, owner, group));

        var leaf = origin.Path[(origin.Path.LastIndexOf('/') + 1)..];
        switch (origin.Generator)
        {
            case Generators.Uploads when leaf.Length == 4 && int.TryParse(leaf, NumberStyles.None, CultureInfo.InvariantCulture, out var year):
                for (var month = 1; month <= 12; month++)
                {
                    var start = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
                    if (start < world.InstalledAt.AddMonths(-1) || start > world.SeededAt)
                    {
                        continue;
                    }
                    var t = Clamp(random.Between(start, start.AddDays(28)), world);
                    entries.Add(Dir(month.ToString("D2", CultureInfo.InvariantCulture), Generators.Uploads, t));
                }
                break;
            case Generators.Uploads:
                var monthStart = Clamp(dirTime.AddDays(-random.Next(1, 27)), world);
                foreach (var i in Enumerable.Range(0, random.Next(3, 12)))
                {
                    var t = Clamp(random.Between(monthStart, dirTime), world);
                    var stem = $"{random.Pick(new[] { "team", "office", "hero", "banner", "project", "client-logo", "event", "portrait" })}-{random.Next(1, 60)}";
                    entries.Add(Ghost(stem + ".png", Generators.Image, random.Next(40_000, 400_000), t));
                    entries.Add(Ghost(stem + "-300x200.png", Generators.Image, random.Next(8_000, 30_000), t));
                }
                break;
            case Generators.Projects when !origin.Path.EndsWith("/.git", StringComparison.Ordinal) && !IsRepository(origin.Path):
                foreach (var repo in Repositories.Where(_ => random.Chance(0.7)).DefaultIfEmpty(Repositories[0]))
                {
                    entries.Add(Dir(repo, Generators.Projects, Clamp(random.Between(world.InstalledAt, world.SeededAt.AddDays(-1)), world)));
                }
                break;
            case Generators.Projects when IsRepository(origin.Path):
                var created = Clamp(dirTime.AddDays(-random.Next(30, 400)), world);
                entries.Add(Dir(".git", Generators.Projects, dirTime));
                entries.Add(Ghost("README.md", Generators.Document, random.Next(600, 6000), created));
                entries.Add(Ghost("deploy.sh", Generators.ShellScript, Natural("deploy.sh", Generators.ShellScript, created), created, O(755)));
                entries.Add(Ghost(".env", Generators.DotEnv, Natural(".env", Generators.DotEnv, dirTime), dirTime, O(600)));
                entries.Add(Ghost("Makefile", Generators.Document, random.Next(300, 2500), created));
                entries.Add(Ghost("index.php", Generators.PhpSource, random.Next(800, 9000), Clamp(random.Between(created, dirTime), world)));
                var s = world.Secrets;
                tokens.AddRange(s.DatabasePasswords.Values.Select(v => new PlantedToken(v, "password", origin.Path + "/.env")));
                tokens.Add(new PlantedToken(s.AwsAccessKeyId, "aws-key", origin.Path + "/.env"));
                tokens.Add(new PlantedToken(s.AwsSecretAccessKey, "aws-secret", origin.Path + "/.env"));
                tokens.Add(new PlantedToken(s.WebhookUrl, "url", origin.Path + "/.env"));
                break;
            case Generators.Projects:
                var repoName = origin.Path[..^5];
                repoName = repoName[(repoName.LastIndexOf('/') + 1)..];
                var git = world.Persona.Network.Peers.FirstOrDefault(k => k.Names.Any(n => n.StartsWith("gitlab", StringComparison.Ordinal)))?.Names[0] ?? "github.com";
                var deployToken = "glpat-" + random.Token(20);
                var url = $"https://deploy:{deployToken}@{git}/{world.Persona.Domain.Split('.')[0]}/{repoName}.git";
                entries.Add(Text("HEAD", "ref: refs/heads/main\n", dirTime));
                entries.Add(Text("description", "Unnamed repository; edit this file 'description' to name the repository.\n", dirTime));
                entries.Add(Text("config", $"[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n[remote \"origin\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n\tmerge = refs/heads/main\n", dirTime));
                tokens.Add(new PlantedToken(deployToken, "token", origin.Path + "/config"));
                tokens.Add(new PlantedToken(url, "url", origin.Path + "/config"));
                break;
            case Generators.Backups:
                var local = world.Local(world.SeededAt).Date;
                var db = world.Persona.Databases.FirstOrDefault()?.Name ?? "backup";
                for (var day = 0; day < 7; day++)
                {
                    var at = new DateTimeOffset(local.AddDays(-day).AddHours(1).AddMinutes(30), world.Zone.GetUtcOffset(local)).AddSeconds(random.Next(60, 900));
                    if (at > world.SeededAt)
                    {
                        continue;
                    }
                    entries.Add(Ghost($"{db}-{at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.sql", Generators.SqlDump, random.Next(2_000_000, 3_000_000), at, O(640)));
                }
                break;
            default:
                break;
        }
        return (entries, tokens);
    }

    private static bool IsRepository(string path) => Repositories.Any(r => path.EndsWith("/" + r, StringComparison.Ordinal));

    private static DateTimeOffset Clamp(DateTimeOffset t, WorldContext world) =>
        t > world.SeededAt ? world.SeededAt.AddMinutes(-5) : t < world.InstalledAt ? world.InstalledAt.AddHours(1) : t;
}
