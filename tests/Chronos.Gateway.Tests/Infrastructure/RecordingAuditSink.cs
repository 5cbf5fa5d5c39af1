using System.Collections.Concurrent;
using Chronos.Gateway.Ssh.Auth;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>Keeps every audit event in memory so tests can read what the Gateway recorded.</summary>
public sealed class RecordingAuditSink : ISshAuditSink
{
    private readonly ConcurrentQueue<AuditRecord> _records = new();

    public IReadOnlyList<AuditRecord> Records => [.. _records];

    public Task AppendAsync(string world, string? session, string op, IReadOnlyDictionary<string, string> extra, CancellationToken cancellationToken = default)
    {
        _records.Enqueue(new AuditRecord(world, session, op, new Dictionary<string, string>(extra)));
        return Task.CompletedTask;
    }
}

public sealed record AuditRecord(string World, string? Session, string Op, IReadOnlyDictionary<string, string> Extra);
