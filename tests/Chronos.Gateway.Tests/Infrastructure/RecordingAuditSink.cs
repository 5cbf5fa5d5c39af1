using System.Collections.Concurrent;
using Chronos.Gateway.Ssh.Auth;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>Keeps every audit event in memory so tests can read what the Gateway recorded.</summary>
public sealed class RecordingAuditSink : ISshAuditSink
{
    private readonly ConcurrentQueue<AuditRecord> _records = new();

    public IReadOnlyList<AuditRecord> Records => [.. _records];

    /// <summary>Ops whose append fails, as when Redis is away or the world was deleted.</summary>
    public ConcurrentDictionary<string, bool> FailingOps { get; } = new(StringComparer.Ordinal);

    public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default)
    {
        if (FailingOps.ContainsKey(op))
        {
            return Task.FromException(new InvalidOperationException($"world {world} does not exist"));
        }
        _records.Enqueue(new AuditRecord(world, session, op, new Dictionary<string, string>(extra)));
        return Task.CompletedTask;
    }
}

public sealed record AuditRecord(string World, string? Session, string Op, IReadOnlyDictionary<string, string> Extra);
