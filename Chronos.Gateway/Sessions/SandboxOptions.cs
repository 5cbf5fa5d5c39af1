namespace Chronos.Gateway.Sessions;

/// <summary>Configuration section <c>Gateway:Sandbox</c>.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Gateway:Sandbox";

    /// <summary>Where Chronos.Fuse mounts worlds; a session's "/" is <c>MountRoot/&lt;world&gt;</c>.</summary>
    public string MountRoot { get; set; } = "/run/chronos/worlds";

    /// <summary>This sensor host's name in mount requests: must equal Chronos.Fuse's <c>Chronos:Fuse:HostId</c>
    /// (both default to the machine name).</summary>
    public string HostId { get; set; } = Environment.MachineName;

    /// <summary>With Redis: ask this host's Chronos.Fuse to mount each session's world and wait for the
    /// mount. Off only where MountRoot holds worlds some other way (a benchmark's plain directories).</summary>
    public bool RequestMounts { get; set; } = true;

    /// <summary>How long a program's start waits for Chronos.Fuse to mount its world (with Redis only).</summary>
    public TimeSpan MountWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a mount request holds without renewal; renewed every third of it while sessions live.</summary>
    public TimeSpan MountLease { get; set; } = Chronos.Hypervisor.Worlds.MountRequests.DefaultLease;

    /// <summary>Host id of persona id 0: must equal the Fuse mount's UidShift.</summary>
    public uint IdShift { get; set; } = 100_000;

    /// <summary>Where asciicast transcripts go, one file per session channel: &lt;dir&gt;/&lt;world&gt;/&lt;session&gt;-&lt;n&gt;.cast.</summary>
    public string TranscriptDirectory { get; set; } = "/var/lib/chronos/transcripts";

    /// <summary>The program a "subsystem sftp" request runs (Debian's openssh-sftp-server path).</summary>
    public string SftpServer { get; set; } = "/usr/lib/openssh/sftp-server";

    /// <summary>Host directories bound read-only into every session (for worlds without a lower layer), "host=sandbox".</summary>
    public List<string> ReadOnlyBinds { get; set; } = [];

    /// <summary>
    /// Host path of the program that runs as every session's pid 1, shown as /sbin/init
    /// (Sandbox/Init/init.c, built next to the Gateway as chronos-init); empty for bubblewrap's
    /// own reaper. Used only in worlds that have /usr/lib/systemd/systemd and /usr/sbin/init.
    /// </summary>
    public string Init { get; set; } = Path.Combine(AppContext.BaseDirectory, "chronos-init");

    /// <summary>The <see cref="Init"/> program when it is set and exists.</summary>
    public string? InitProgram => Init is { Length: > 0 } init && File.Exists(init) ? init : null;

    public int MaxProcesses { get; set; } = 256;
    public long MemoryBytes { get; set; } = 512L << 20;
    public int CpuSeconds { get; set; } = 600;
    public long FileSizeBytes { get; set; } = 1L << 30;
    public int OpenFiles { get; set; } = 1024;
    public TimeSpan SessionTime { get; set; } = TimeSpan.FromHours(1);
}
