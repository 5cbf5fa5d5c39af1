using System.Net;
using System.Security.Cryptography;
using System.Text;
using Chronos.Hypervisor;
using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chronos.Gateway.Sessions;

/// <summary>
/// Decides which world a session runs in under the configured <see cref="PersistencePolicy"/>: the
/// base world itself (shared), a branch per attacker that later logins of the same attacker reuse,
/// or a fresh branch per session. Branches are made by <see cref="WorldCatalog.BranchAsync"/>, so the
/// base world should be a quiet template (see its consistency rule).
/// </summary>
/// <remarks>
/// Branch names are derived, not stored: <c>&lt;base&gt;-a-&lt;16 hex&gt;</c> is the first 16 hex digits of
/// SHA-256 over the base name and the attacker identity (64 bits: a collision between two attackers
/// of one base is ~2^-64 per pair), <c>&lt;base&gt;-s-&lt;session id&gt;</c> per session. The base part is cut
/// to 44 characters so every name stays within the catalog's 63; the hash covers the full base name,
/// so two long bases with one prefix still get different branches. Concurrent first logins of one
/// attacker race on the catalog's branch lease: one copies, the others wait for the world to be ready.
/// </remarks>
public sealed class WorldAssignment
{
    // 63 (catalog limit) - 3 ("-a-") - 16 (hash or session id).
    private const int MaxBasePart = 44;

    private readonly WorldCatalog _catalog;
    private readonly IDatabase _db;
    private readonly WorldAssignmentOptions _options;
    private readonly ILogger _logger;

    public WorldAssignment(WorldCatalog catalog, IConnectionMultiplexer redis, WorldAssignmentOptions options)
        : this(catalog, redis, options, NullLogger<WorldAssignment>.Instance)
    {
    }

    public WorldAssignment(WorldCatalog catalog, IConnectionMultiplexer redis, IOptions<WorldAssignmentOptions> options, ILogger<WorldAssignment> logger)
        : this(catalog, redis, (options ?? throw new ArgumentNullException(nameof(options))).Value, logger)
    {
    }

    private WorldAssignment(WorldCatalog catalog, IConnectionMultiplexer redis, WorldAssignmentOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _db = redis.GetDatabase();
        _options = options;
        _logger = logger;
    }

    public PersistencePolicy Policy => _options.Policy;

    /// <summary>Whether <see cref="ReleaseAsync"/> deletes per-session worlds.</summary>
    public bool DeletesSessionWorlds => _options.Policy == PersistencePolicy.PerSession && _options.DeletePerSessionWorlds;

    /// <summary>The world the session runs in; creates the branch the policy calls for if it is not there yet.</summary>
    /// <exception cref="WorldNotFoundException">A branching policy and the base world does not exist.</exception>
    /// <exception cref="TimeoutException">Another login kept the attacker's branch unfinished past <see cref="WorldAssignmentOptions.BranchWait"/>.</exception>
    public async Task<string> AssignAsync(string baseWorld, string userName, string? password, string? publicKeyFingerprint, string sourceAddress, string sessionId, CancellationToken ct)
    {
        if (!WorldCatalog.IsValidName(baseWorld))
        {
            throw new ArgumentException($"'{baseWorld}' is not a world name", nameof(baseWorld));
        }
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        switch (_options.Policy)
        {
            case PersistencePolicy.Shared:
                return baseWorld;
            case PersistencePolicy.PerAttacker:
                var identity = _options.AttackerKey == AttackerKey.Address
                    ? "address\0" + NormalizeAddress(sourceAddress)
                    : "credentials\0" + userName + "\0" + (password is not null ? "password\0" + password : "key\0" + publicKeyFingerprint);
                var attackerWorld = AttackerWorldName(baseWorld, identity);
                await EnsureBranchAsync(baseWorld, attackerWorld, sessionId, ct);
                return attackerWorld;
            case PersistencePolicy.PerSession:
                var sessionWorld = SessionWorldName(baseWorld, sessionId);
                await EnsureBranchAsync(baseWorld, sessionWorld, sessionId, ct);
                return sessionWorld;
            default:
                throw new InvalidOperationException($"unknown persistence policy {_options.Policy}");
        }
    }

    /// <summary>At session end: deletes the session's world when the policy is per-session and
    /// <see cref="WorldAssignmentOptions.DeletePerSessionWorlds"/> is set. Only a world this class named
    /// as a per-session branch is deleted; base and per-attacker worlds never are. Returns whether it deleted.</summary>
    public async Task<bool> ReleaseAsync(string world, CancellationToken ct = default)
    {
        if (_options.Policy != PersistencePolicy.PerSession || !_options.DeletePerSessionWorlds || !WorldCatalog.IsValidName(world))
        {
            return false;
        }
        var from = await _db.HashGetAsync(new Keys(world).Meta, "from");
        if (from.IsNull || !world.StartsWith(BasePart((string)from!) + "-s-", StringComparison.Ordinal))
        {
            return false;
        }
        var deleted = await _catalog.DeleteAsync(world, ct);
        if (deleted)
        {
            Log.SessionWorldDeleted(_logger, world);
        }
        return deleted;
    }

    /// <summary>The per-attacker world name for an identity (public for tools that look a branch up).</summary>
    public static string AttackerWorldName(string baseWorld, string identity) =>
        BasePart(baseWorld) + "-a-" + Hash16(baseWorld + "\0" + identity);

    public static string SessionWorldName(string baseWorld, string sessionId)
    {
        var name = baseWorld + "-s-" + sessionId;
        // Gateway session ids are 16 lowercase hex digits; any other id, or a base cut to fit, is hashed
        // with the full base name so two bases sharing their first 44 characters still differ.
        return baseWorld.Length <= MaxBasePart && WorldCatalog.IsValidName(name)
            ? name
            : BasePart(baseWorld) + "-s-" + Hash16(baseWorld + "\0" + sessionId);
    }

    /// <summary>The IP of an address as the SSH server reports it ("1.2.3.4", "1.2.3.4:5678", "[::1]:22").</summary>
    public static string NormalizeAddress(string sourceAddress)
    {
        ArgumentNullException.ThrowIfNull(sourceAddress);
        IPAddress? ip = null;
        if (IPAddress.TryParse(sourceAddress, out var parsed))
        {
            ip = parsed;
        }
        else if (IPEndPoint.TryParse(sourceAddress, out var endPoint))
        {
            ip = endPoint.Address;
        }
        if (ip is null)
        {
            return sourceAddress;
        }
        return (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
    }

    private async Task EnsureBranchAsync(string baseWorld, string world, string sessionId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.BranchWait;
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            if (await _catalog.GetAsync(world, ct) is not null)
            {
                return;
            }
            try
            {
                await _catalog.BranchAsync(baseWorld, world, ct);
                Log.WorldBranchCreated(_logger, sessionId, world, baseWorld, _options.Policy.ToString());
                return;
            }
            catch (WorldExistsException)
            {
                return;
            }
            catch (WorldNotReadyException)
            {
                // Another login of this attacker holds the branch lease; it will finish (or its lease lapses).
                Log.WaitingForBranch(_logger, sessionId, world);
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"world '{world}' was still being branched after {_options.BranchWait.TotalSeconds} s");
            }
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
        }
    }

    private static string BasePart(string baseWorld) => baseWorld.Length <= MaxBasePart ? baseWorld : baseWorld[..MaxBasePart];

    private static string Hash16(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
