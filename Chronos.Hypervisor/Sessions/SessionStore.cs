using System.Globalization;
using System.Text.Json;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Sessions;

/// <summary>
/// Session records in the world's slot (<c>chronos:{w}:session:&lt;id&gt;</c>, listed by the
/// <c>sessions</c> sorted set). Start, cwd change and end are each one script that also audits.
/// </summary>
public sealed class SessionStore(IConnectionMultiplexer redis)
{
    private readonly ScriptRunner _scripts = new(redis, NullLogger.Instance);

    public async Task CreateAsync(SessionRecord s, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(s);
        CheckId(s.Id);
        var keys = new Keys(s.World);
        var status = await RunAsync(keys, s.Id, "start", s.User, s.SourceAddress, s.Started.ToUnixTimeMilliseconds(), s.Cwd, Serialize(s));
        if (status == Errno.EEXIST)
        {
            throw new InvalidOperationException($"session {s.Id} already exists in world {s.World}");
        }
        if (status != Errno.None)
        {
            throw new InvalidOperationException($"world {s.World} does not exist");
        }
    }

    public async Task<SessionRecord?> GetAsync(string world, string id, CancellationToken ct = default)
    {
        var keys = new Keys(world);
        var fields = (await _scripts.Database.HashGetAllAsync(keys.Session(id))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        if (fields.Count == 0)
        {
            return null;
        }
        var document = JsonSerializer.Deserialize<StoredSession>(fields["env"]);
        return new SessionRecord(id, world, fields["user"], fields["src"], document?.Started ?? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields["started"], CultureInfo.InvariantCulture)))
        {
            Cwd = fields["cwd"],
            Environment = document?.Environment ?? new Dictionary<string, string>(),
            Ended = fields.TryGetValue("ended", out var ended) ? DateTimeOffset.Parse(ended, CultureInfo.InvariantCulture) : null,
        };
    }

    public async Task<IReadOnlyList<SessionRecord>> ListAsync(string world, CancellationToken ct = default)
    {
        var ids = await _scripts.Database.SortedSetRangeByRankAsync(new Keys(world).Sessions);
        var records = await Task.WhenAll(ids.Select(id => GetAsync(world, (string)id!, ct)));
        return records.OfType<SessionRecord>().ToArray();
    }

    public async Task UpdateCwdAsync(string world, string id, string cwd, CancellationToken ct = default)
    {
        if (await RunAsync(new Keys(world), id, "cwd", cwd) != Errno.None)
        {
            throw new InvalidOperationException($"no session {id} in world {world}");
        }
    }

    public async Task EndAsync(string world, string id, CancellationToken ct = default)
    {
        if (await RunAsync(new Keys(world), id, "end", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)) != Errno.None)
        {
            throw new InvalidOperationException($"no session {id} in world {world}");
        }
    }

    private async Task<Errno> RunAsync(Keys keys, string id, string op, params RedisValue[] rest)
    {
        var r = await _scripts.RunAsync(Scripts.Session, [keys.Meta, keys.Usage, keys.Audit, keys.Session(id), keys.Sessions], [id, op, .. rest]);
        return (Errno)(long)r[0];
    }

    private static string Serialize(SessionRecord s) =>
        JsonSerializer.Serialize(new StoredSession(s.Started, new Dictionary<string, string>(s.Environment)));

    private static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 128 || id.Any(c => c is '{' or '}' or ':' or '*' or '?' or '[' or ']' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"'{id}' is not a session id (1..128 characters, no braces, colons, glob characters or spaces)", nameof(id));
        }
    }

    /// <summary>The exact start time and environment, stored as JSON in the hash's env field.</summary>
    private sealed record StoredSession(DateTimeOffset Started, Dictionary<string, string> Environment);
}
