using System.Globalization;
using Chronos.Hypervisor.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Audit;

/// <summary>
/// Reads a world's audit stream (<c>chronos:{w}:audit</c>), which every mutation script appends to
/// in the same atomic step, and appends events that are not filesystem changes (logins, commands).
/// Stream fields are short: s session, o op, i inode, n name, t time (ns); the rest is op-specific.
/// </summary>
public sealed class AuditLog(IConnectionMultiplexer redis)
{
    private readonly ScriptRunner _scripts = new(redis, NullLogger.Instance);

    /// <summary>Events after <paramref name="afterId"/> (exclusive; "0" reads from the start), oldest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ReadAsync(string world, string afterId = "0", int count = 1000, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var entries = await _scripts.Database.StreamRangeAsync(new Keys(world).Audit, "(" + afterId, "+", count);
        return entries.Select(e => ToEvent(world, e)).ToArray();
    }

    public async Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(op);
        ArgumentNullException.ThrowIfNull(extra);
        var keys = new Keys(world);
        var args = new List<RedisValue> { session ?? "", op };
        foreach (var (name, value) in extra)
        {
            if (name is "s" or "o" or "i" or "n" or "t")
            {
                throw new ArgumentException($"'{name}' is a reserved audit field", nameof(extra));
            }
            args.Add(name);
            args.Add(value);
        }
        var r = await _scripts.RunAsync(Scripts.Audit, [keys.Meta, keys.Usage, keys.Audit], [.. args]);
        if ((long)r[0] != 0)
        {
            throw new InvalidOperationException($"world {world} does not exist");
        }
    }

    private static AuditEvent ToEvent(string world, StreamEntry entry)
    {
        string? session = null, name = null;
        var op = "";
        ulong ino = 0;
        long time = 0;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in entry.Values)
        {
            var value = (string)field.Value!;
            switch ((string)field.Name!)
            {
                case "s": session = value.Length == 0 ? null : value; break;
                case "o": op = value; break;
                case "i": ino = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                case "n": name = value; break;
                case "t": time = long.Parse(value, CultureInfo.InvariantCulture); break;
                default: extra[(string)field.Name!] = value; break;
            }
        }
        return new AuditEvent((string)entry.Id!, world, session, op, ino, name, DateTimeOffset.UnixEpoch.AddTicks(time / 100), extra);
    }
}
