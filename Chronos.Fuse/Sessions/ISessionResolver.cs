namespace Chronos.Fuse.Sessions;

/// <summary>Maps the thread that made a syscall (FUSE passes its id with every request) to the Chronos session it belongs to.</summary>
public interface ISessionResolver
{
    /// <summary>The session id, or null for a process outside every session ("host").</summary>
    string? Resolve(int pid);
}
