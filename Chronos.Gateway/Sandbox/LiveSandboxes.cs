using System.Collections.Concurrent;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// Every sandbox session of this Gateway that has not finished its disposal, so a stopping host
/// can kill them all at once, at its first signal, rather than one by one as their connections
/// wind down, and remove whatever cgroup a connection that ran out of time left behind.
/// </summary>
public sealed class LiveSandboxes
{
    private readonly ConcurrentDictionary<SandboxSession, byte> _sessions = new();

    public int Count => _sessions.Count;

    internal void Add(SandboxSession session) => _sessions.TryAdd(session, 0);

    internal void Remove(SandboxSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Kills every process of every session (their cgroups: frozen and killed); each session's own disposal goes on as usual.</summary>
    public void KillAll()
    {
        foreach (var session in _sessions.Keys)
        {
            session.Kill();
        }
    }

    /// <summary>Kills and removes the cgroups of the sessions whose disposal has not run (never throws).</summary>
    public void RemoveLeftovers()
    {
        foreach (var session in _sessions.Keys)
        {
            session.Kill();
            session.Cgroup?.Dispose();
        }
    }
}
