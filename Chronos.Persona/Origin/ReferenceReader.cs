using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;
using Chronos.Persona.Planning;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Chronos.Persona.Origin;

/// <summary>
/// Reads the files a new file must agree with, under one rule: a file may enter a prompt only if
/// the persona wrote it and nobody changed it since. The persona records every file it writes
/// (seeded or generated) as "ino ctime size" in chronos:{w}:persona:provenance; any write,
/// truncate, chmod, chown or rename-over by anyone else changes the ctime (or the inode at that
/// path), so a mismatch means attacker bytes may be in it, and it is left out.
/// </summary>
internal sealed class ReferenceReader(IConnectionMultiplexer redis, ILogger logger)
{
    private const int MaxBytes = 4096;

    private readonly IDatabase _db = redis.GetDatabase();

    public async Task<IReadOnlyList<ReferenceFile>> ReadAsync(IWorldFileSystem world, GhostRequest request, CancellationToken cancellationToken)
    {
        var result = new List<ReferenceFile>();
        foreach (var path in PathsFor(request))
        {
            var recorded = await _db.HashGetAsync(new PersonaKeys(world.World).Provenance, path);
            if (recorded.IsNullOrEmpty)
            {
                continue;
            }
            var attributes = await ResolveAsync(world, path, cancellationToken);
            if (attributes is null || attributes.Content != ContentState.Stored || Provenance.Format(attributes) != (string)recorded!)
            {
                Log.ReferenceRejected(logger, world.World, path);
                continue;
            }
            var buffer = new byte[Math.Min(attributes.Size, MaxBytes)];
            var read = await world.ReadAsync(attributes.Ino, 0, buffer, cancellationToken);
            if (read.IsOk)
            {
                result.Add(new ReferenceFile(path, Encoding.UTF8.GetString(buffer, 0, read.Value)));
            }
        }
        return result;
    }

    /// <summary>Which files each kind must agree with.</summary>
    internal static IEnumerable<string> PathsFor(GhostRequest request)
    {
        var p = request.World.Persona;
        return request.Origin.Generator switch
        {
            Generators.AuthLog or Generators.BashHistory => ["/etc/passwd", "/etc/hosts"],
            Generators.Syslog or Generators.KernLog => ["/etc/hostname", "/etc/crontab"],
            Generators.NginxAccess or Generators.NginxError => p.Sites.Select(s => "/etc/nginx/sites-available/" + s.ServerName),
            Generators.MysqlError => ["/etc/mysql/mysql.conf.d/mysqld.cnf"],
            Generators.PostgresqlLog => ["/etc/postgresql/15/main/postgresql.conf"],
            _ => [],
        };
    }

    private static async Task<InodeAttributes?> ResolveAsync(IWorldFileSystem world, string path, CancellationToken cancellationToken)
    {
        InodeAttributes? current = null;
        ulong ino = 1;
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var found = await world.LookupAsync(ino, part, cancellationToken);
            if (!found.IsOk)
            {
                return null;
            }
            current = found.Value;
            ino = current.Ino;
        }
        return current;
    }
}
