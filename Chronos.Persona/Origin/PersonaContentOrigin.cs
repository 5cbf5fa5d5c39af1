using System.Collections.Concurrent;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;
using Chronos.Persona.Planning;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Chronos.Persona.Origin;

/// <summary>
/// The "persona" content origin, in process: decides lazy directories from the plan and fills
/// ghost files through the <see cref="ContentPipeline"/>, committing with the Hypervisor's
/// compare-and-set. One generation per file across every mount and process: callers in this
/// process share one task, processes share a <see cref="GenerationLock"/>, and the commit's
/// compare-and-set settles any race that is left. Generation failures never reach the reader:
/// the pipeline falls back to offline content, and that fallback is logged and audited.
/// </summary>
public sealed class PersonaContentOrigin : IContentOrigin
{
    private readonly WorldContexts _worlds;
    private readonly ContentPipeline _pipeline;
    private readonly GenerationLock _lock;
    private readonly HoneytokenRegistry _honeytokens;
    private readonly AuditLog _audit;
    private readonly IDatabase _db;
    private readonly ReferenceReader _references;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string World, ulong Ino), Lazy<Task>> _inFlight = new();

    public PersonaContentOrigin(IConnectionMultiplexer redis, WorldContexts worlds, ContentPipeline pipeline, HoneytokenRegistry honeytokens, AuditLog audit, ILogger<PersonaContentOrigin>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _worlds = worlds;
        _pipeline = pipeline;
        _lock = new GenerationLock(redis);
        _honeytokens = honeytokens;
        _audit = audit;
        _db = redis.GetDatabase();
        _logger = logger ?? NullLogger<PersonaContentOrigin>.Instance;
        _references = new ReferenceReader(redis, _logger);
    }

    public string Scheme => GhostOrigin.Scheme;

    /// <summary>How long a reader waits for another process's generation before giving up (the LLM timeout plus slack).</summary>
    public TimeSpan WaitDeadline { get; init; } = TimeSpan.FromMinutes(2);

    public async ValueTask PopulateAsync(IWorldFileSystem world, InodeAttributes directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(directory);
        if (!directory.IsLazyDirectory)
        {
            return;
        }
        if (!GhostOrigin.TryParse(directory.Origin, out var origin))
        {
            Log.NotPersonaOrigin(_logger, world.World, directory.Ino, directory.Origin);
            throw new InvalidOperationException($"inode {directory.Ino} has origin '{directory.Origin}', not a persona origin");
        }
        var context = await _worlds.GetAsync(world.World);
        var (entries, tokens) = LazyPopulator.Entries(context, origin, directory);
        var result = await world.PopulateDirectoryAsync(directory.Ino, entries, onlyIfLazy: true, OpContext.System, cancellationToken);
        if (!result.IsOk)
        {
            throw new InvalidOperationException($"populating {origin.Path} in {world.World} failed with {result.Error}");
        }
        if (result.Value)
        {
            await _honeytokens.RecordAsync(world.World, tokens, "populate");
            var stored = new List<HashEntry>();
            foreach (var entry in entries.Where(e => e.Content == ContentState.Stored && FileModes.KindOf(e.Mode) == FileKind.Regular))
            {
                var attributes = await world.LookupAsync(directory.Ino, entry.Name, cancellationToken);
                if (attributes.IsOk)
                {
                    stored.Add(new HashEntry(origin.Path + "/" + entry.Name, Provenance.Format(attributes.Value)));
                }
            }
            if (stored.Count > 0)
            {
                await _db.HashSetAsync(new PersonaKeys(world.World).Provenance, [.. stored]);
            }
        }
        Log.Populated(_logger, world.World, origin.Path, entries.Count, result.Value);
    }

    public async ValueTask MaterializeAsync(IWorldFileSystem world, InodeAttributes file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(file);
        if (file.Content != ContentState.Ghost)
        {
            return;
        }
        var key = (world.World, file.Ino);
        var shared = _inFlight.GetOrAdd(key, _ => new Lazy<Task>(() => MaterializeOnceAsync(world, file)));
        try
        {
            await shared.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (shared.Value.IsCompleted)
            {
                _inFlight.TryRemove(new KeyValuePair<(string, ulong), Lazy<Task>>(key, shared));
            }
        }
    }

    /// <summary>The one generation of this process for the file (its own token: one reader giving up must not cancel the others).</summary>
    private async Task MaterializeOnceAsync(IWorldFileSystem world, InodeAttributes file)
    {
        if (!GhostOrigin.TryParse(file.Origin, out var origin))
        {
            Log.NotPersonaOrigin(_logger, world.World, file.Ino, file.Origin);
            throw new InvalidOperationException($"inode {file.Ino} has origin '{file.Origin}', not a persona origin");
        }
        var context = await _worlds.GetAsync(world.World);
        using var deadline = new CancellationTokenSource(WaitDeadline);
        async Task<bool> Done() => (await world.GetAttrAsync(file.Ino, deadline.Token)) is { IsOk: true, Value.Content: not ContentState.Ghost } or { IsOk: false };
        var (_, tookOver) = await _lock.RunAsync(world.World, file.Ino, Done, async ct =>
        {
            var request = new GhostRequest(context, origin, file.Size, DateTimeOffset.FromUnixTimeSeconds(file.Mtime.Seconds), file.Uid, file.Gid);
            var content = await _pipeline.GenerateAsync(request, token => _references.ReadAsync(world, request, token), ct);
            var committed = await world.CommitContentAsync(file.Ino, content.Bytes, OpContext.System, ct);
            if (!committed.IsOk)
            {
                throw new InvalidOperationException($"commit of {origin.Path} in {world.World} failed with {committed.Error}");
            }
            if (committed.Value)
            {
                await RecordAsync(world, file.Ino, origin, request, content, ct);
            }
            Log.Materialized(_logger, world.World, origin.Path, file.Ino, content.Source, content.Bytes.LongLength, committed.Value);
        }, WaitDeadline, deadline.Token);
        if (tookOver)
        {
            Log.LockTakeover(_logger, world.World, file.Ino);
        }
    }

    private async Task RecordAsync(IWorldFileSystem world, ulong ino, GhostOrigin origin, GhostRequest request, GeneratedContent content, CancellationToken cancellationToken)
    {
        var attributes = await world.GetAttrAsync(ino, cancellationToken);
        if (attributes.IsOk)
        {
            await _db.HashSetAsync(new PersonaKeys(world.World).Provenance, origin.Path, Provenance.Format(attributes.Value));
        }
        await _honeytokens.RecordAsync(world.World, content.Tokens, content.Source);
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["path"] = origin.Path,
            ["source"] = content.Source,
            ["bytes"] = content.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (content.FallbackReason is not null)
        {
            extra["fallback"] = content.FallbackReason;
        }
        await _audit.AppendAsync(world.World, OpContext.System.SessionId, content.FallbackReason is null ? "persona.generate" : "persona.fallback", extra, cancellationToken);
    }
}
