namespace Chronos.Hypervisor.Audit;

/// <summary>One entry of a world's audit stream: who (session) did what (op) to which inode, when.</summary>
public sealed record AuditEvent(
    string Id,
    string World,
    string? Session,
    string Op,
    ulong Ino,
    string? Name,
    DateTimeOffset Time,
    IReadOnlyDictionary<string, string> Extra);
