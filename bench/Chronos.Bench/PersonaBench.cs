using System.Diagnostics;
using System.Globalization;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Generation;
using Chronos.Persona.Model;
using Chronos.Persona.Origin;
using Chronos.Persona.Planning;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Chronos.Testing;

namespace Chronos.Bench;

/// <summary>
/// Chronos.Persona: seeding a world per persona, offline generation throughput per kind, and
/// first-read materialization latency of ghost files through the origin (offline, no LLM),
/// against a redis-server started here. Args: [worlds] seedings per persona (default 3).
/// </summary>
internal static class PersonaBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var worlds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var catalog = new WorldCatalog(redis);
        var personas = PersonaCatalog.Load();
        var honeytokens = new HoneytokenRegistry(redis);
        var seeder = new WorldSeeder(redis, honeytokens);
        Console.WriteLine($"redis-server {server.ConnectionString}, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}");

        foreach (var persona in personas.All.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var times = new List<double>();
            var entries = 0;
            for (var i = 0; i < worlds; i++)
            {
                var name = $"{persona.Name.Replace('.', '-')}-{i}";
                await catalog.CreateAsync(new WorldSpec(name));
                var watch = Stopwatch.StartNew();
                var result = await seeder.SeedAsync(catalog.Open(name, "bench"), persona);
                times.Add(watch.Elapsed.TotalMilliseconds);
                entries = result.Entries;
            }
            times.Sort();
            Console.WriteLine($"seed {persona.Name,-16} {entries,5} entries  median {times[times.Count / 2],8:N0} ms  (includes RSA-3072 host key generation)");
        }

        var context = new WorldContext(personas.Get("web-ubuntu2204"), 1, DateTimeOffset.UtcNow);
        foreach (var (generator, path, size) in new[]
                 {
                     (Generators.AuthLog, "/var/log/auth.log", 1_000_000L),
                     (Generators.NginxAccess, "/var/log/nginx/access.log", 1_000_000L),
                     (Generators.AuthLog, "/var/log/auth.log.2.gz", 100_000L),
                     (Generators.SqlDump, "/var/backups/wordpress.sql", 1_000_000L),
                     (Generators.Image, "/var/www/html/wp-content/uploads/2024/05/hero.png", 300_000L),
                 })
        {
            var request = new GhostRequest(context, new GhostOrigin(generator, path), size, context.SeededAt.AddMinutes(-1), 0, 0);
            var runs = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                _ = OfflineGenerator.Generate(request);
                runs.Add(watch.Elapsed.TotalMilliseconds);
            }
            runs.Sort();
            Console.WriteLine($"offline {path,-50} {size,9:N0} B  median {runs[2],7:N1} ms  {size / runs[2] / 1000,6:N1} MB/s");
        }

        // First reads of every ghost of one seeded world, 8 at a time, through the origin (offline).
        var worldName = "web-ubuntu2204-0";
        var fs = catalog.Open(worldName, "bench-reader");
        var origin = new PersonaContentOrigin(redis, new WorldContexts(redis, personas), new ContentPipeline(null, new LlmOptions()), honeytokens, new AuditLog(redis));
        var ghosts = new List<InodeAttributes>();
        var queue = new Queue<ulong>([1]);
        while (queue.Count > 0)
        {
            var page = (await fs.ReadDirAsync(queue.Dequeue(), 0, 4096, withAttributes: true)).Value;
            foreach (var e in page.Entries.Where(e => e.Name is not "." and not ".."))
            {
                if (e.Attributes!.Content == ContentState.Ghost && e.Attributes.Size <= 200_000)
                {
                    ghosts.Add(e.Attributes);
                }
                else if (e.Kind == FileKind.Directory && !e.Attributes.IsLazyDirectory)
                {
                    queue.Enqueue(e.Ino);
                }
            }
        }
        var m = await Measurement.RunAsync("materialize ghost <= 200 KB", 8, ghosts.Count, i => origin.MaterializeAsync(fs, ghosts[i], CancellationToken.None).AsTask());
        Console.WriteLine($"{m.Name} {ghosts.Count} files, 8 callers: {m.PerSecond:N0} files/s, median {m.MedianMicros / 1000:N1} ms, p99 {m.P99Micros / 1000:N1} ms");
        return 0;
    }
}
