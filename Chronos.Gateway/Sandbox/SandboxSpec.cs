namespace Chronos.Gateway.Sandbox;

/// <summary>Everything that decides one session's sandbox. Ids are persona-native.</summary>
public sealed record SandboxSpec
{
    public required string SessionId { get; init; }
    /// <summary>The world as the session sees it at "/": the world's FUSE mount.</summary>
    public required string RootDirectory { get; init; }
    /// <summary>Host directories shown read-only inside (for a world without a lower layer), host path to sandbox path.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ReadOnlyBinds { get; init; } = [];
    /// <summary>
    /// Files bound read-only over the session's procfs, host path to sandbox path: the persona's
    /// /proc/version and /proc/sys/kernel/{osrelease,version}, which the world keeps under its
    /// own (otherwise hidden) /proc.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ProcFiles { get; init; } = [];
    /// <summary>
    /// Host path of the sandbox's pid 1 (Sandbox/Init/init.c), bound over the world's
    /// /usr/lib/systemd/systemd and started as /sbin/init; null for bubblewrap's own reaper,
    /// whose command line shows as pid 1.
    /// </summary>
    public string? InitProgram { get; init; }
    /// <summary>The persona's kernel release (uname -r), for what pid 1's environment says it booted.</summary>
    public string? KernelRelease { get; init; }
    public required string Hostname { get; init; }
    public required string UserName { get; init; }
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public string Home { get; init; } = "/";
    public string Shell { get; init; } = "/bin/bash";
    /// <summary>An exec request's command line, run as <c>shell -c command</c>; null for a login shell.</summary>
    public string? Command { get; init; }
    /// <summary>Variables the client sent (already filtered by the caller's AcceptEnv policy).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>Host id of the persona's uid/gid 0 (the mount's shift); the persona's 0..65535 map onto it.</summary>
    public uint IdShift { get; init; } = 100_000;
    public uint IdCount { get; init; } = 65_536;
    public SandboxLimits Limits { get; init; } = new();
}

/// <summary>
/// Bounds no session can exceed. Defaults fit a 2-core, 24 GiB sensor running hundreds of
/// sessions: 256 tasks stop a fork bomb long before the host's pid_max, 512 MiB stops a memory
/// bomb, and a world's own byte quota stops disk filling before the file-size limit matters.
/// </summary>
public sealed record SandboxLimits
{
    public int MaxProcesses { get; init; } = 256;
    public long MemoryBytes { get; init; } = 512L << 20;
    public int CpuSeconds { get; init; } = 600;
    public long FileSizeBytes { get; init; } = 1L << 30;
    public int OpenFiles { get; init; } = 1024;
    public TimeSpan SessionTime { get; init; } = TimeSpan.FromHours(1);
}
