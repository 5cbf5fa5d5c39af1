using System.Globalization;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// The argument vector that starts a session, outermost first:
/// <c>setsid</c> (own session; the PTY becomes its controlling terminal) →
/// <c>unshare --user</c> with the persona's ids 0..65535 mapped onto host ids B..B+65535 (via
/// newuidmap and /etc/subuid) so "root" inside is an unprivileged host uid →
/// <c>prlimit</c> (CPU, file size, open files, address space) →
/// <c>bwrap</c> (mount, pid, net, ipc, uts and cgroup namespaces; the world mount at "/";
/// /proc and /dev of its own, the persona's kernel files over /proc's; a clean environment) →
/// pid 1 as a host's init (<see cref="InitPath"/>, when the spec has one) → the user's shell,
/// through <c>setpriv</c> when the user is not root. Every value is a separate argument: nothing is ever parsed by a
/// shell, so no user name, command or variable can inject options.
/// </summary>
public static class SandboxCommandLine
{
    /// <summary>Capabilities root keeps inside (Docker's default set): enough to administer the world, nothing that reaches the host.</summary>
    public static readonly string[] RootCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>
    /// Added under init, which answers every uname(2) of the session (Sandbox/Init/persona_uname.c)
    /// by writing into the caller's memory: a caller of another uid (every plain user's process)
    /// needs it. Root keeps it too: a process can read pid 1's /proc files (environ, a real host's
    /// root can) only while it holds every capability pid 1 has. It reaches no further than the
    /// sandbox's user and pid namespaces.
    /// </summary>
    public const string InitCapability = "CAP_SYS_PTRACE";

    /// <summary>Where pid 1's program appears inside (systemd's place on Ubuntu and Debian), and the name it is started by.</summary>
    public const string InitPath = "/usr/lib/systemd/systemd";

    public const string InitCommand = "/sbin/init";

    /// <summary>
    /// The wrapper run by /bin/sh on the host (as root, before any sandboxing): it joins the
    /// session's cgroups first, so not a single process of the session escapes its limits, then
    /// execs the sandbox chain with the terminal (or the pipes it was given) as its stdio.
    /// </summary>
    public const string HostWrapperScript =
        """
        for d in $CHRONOS_CGROUPS; do echo $$ > "$d/cgroup.procs" || exit 125; done
        unset CHRONOS_CGROUPS
        if [ -n "$CHRONOS_TTY" ]; then t=$CHRONOS_TTY; unset CHRONOS_TTY; exec setsid -w -c "$@" <>"$t" >&0 2>&0; fi
        unset CHRONOS_TTY
        exec setsid -w "$@"
        """;

    public static IReadOnlyList<string> Build(SandboxSpec spec, string? term, string? terminalPath = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var shift = spec.IdShift.ToString(CultureInfo.InvariantCulture);
        var count = spec.IdCount.ToString(CultureInfo.InvariantCulture);
        var limits = spec.Limits;
        var args = new List<string>
        {
            "unshare", "--user",
            $"--map-users={shift},0,{count}", $"--map-groups={shift},0,{count}",
            "--setuid", "0", "--setgid", "0", "--",
            "prlimit",
            Invariant($"--cpu={limits.CpuSeconds}"),
            Invariant($"--fsize={limits.FileSizeBytes}"),
            Invariant($"--nofile={limits.OpenFiles}"),
            // Address space a little above the memory cgroup's limit: the cgroup is the real
            // bound; this one also holds where cgroups are not available.
            Invariant($"--as={limits.MemoryBytes * 2}"),
            "--",
            "bwrap",
            "--bind", spec.RootDirectory, "/",
        };
        foreach (var (host, inside) in spec.ReadOnlyBinds)
        {
            args.AddRange(["--ro-bind", host, inside]);
        }
        if (spec.InitProgram is not null)
        {
            args.AddRange(["--ro-bind", spec.InitProgram, InitPath]);
        }
        args.AddRange(
        [
            "--proc", "/proc",
        ]);
        foreach (var (host, inside) in spec.ProcFiles)
        {
            args.AddRange(["--ro-bind", host, inside]);
        }
        AddDevices(args, terminalPath);
        args.AddRange(
        [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", spec.Hostname,
            "--die-with-parent",
            "--chdir", spec.Home,
            "--clearenv",
        ]);
        if (spec.InitProgram is null)
        {
            foreach (var (name, value) in Environment(spec, term))
            {
                args.AddRange(["--setenv", name, value]);
            }
        }
        else
        {
            // The session's program gets its environment from init's arguments (below); init
            // keeps what the kernel and initramfs give an init, for /proc/1/environ.
            foreach (var (name, value) in InitEnvironment(spec))
            {
                args.AddRange(["--setenv", name, value]);
            }
            args.Add("--as-pid-1");
        }

        // The bounding set is the same for everyone, so a persona user's sudo or su works as on
        // the real host; setpriv's change of uid clears a plain user's effective capabilities.
        args.AddRange(["--cap-drop", "ALL"]);
        foreach (var capability in RootCapabilities)
        {
            args.AddRange(["--cap-add", capability]);
        }
        if (spec.InitProgram is not null)
        {
            args.AddRange(["--cap-add", InitCapability]);
        }
        args.Add("--");
        if (spec.InitProgram is not null)
        {
            args.Add(InitCommand);
            foreach (var (name, value) in Environment(spec, term))
            {
                args.Add(name + "=" + value);
            }
            args.Add("--");
        }
        if (spec.Uid != 0)
        {
            // setpriv drops to the persona user inside the one user namespace, so every other
            // owner in the world still shows by name (a nested namespace would show nobody).
            args.AddRange(
            [
                "/usr/bin/setpriv",
                Invariant($"--reuid={spec.Uid}"), Invariant($"--regid={spec.Gid}"),
                "--init-groups", "--",
            ]);
        }

        args.Add(spec.Shell);
        if (spec.Command is null)
        {
            args.Add("-l");
        }
        else
        {
            args.AddRange(["-c", spec.Command]);
        }
        return args;
    }

    /// <summary>
    /// A /dev of the session's own, as bwrap's --dev makes it, except that the session's terminal
    /// appears at its own name (/dev/pts/N, as on the host) instead of bwrap's /dev/console: the
    /// kernel names the terminal's descriptors by the host's devpts path (/proc/self/fd/0 →
    /// /dev/pts/N), so under any other name ttyname(3) fails (`tty` says "not a tty") and ps shows
    /// no terminal ("?").
    /// </summary>
    private static void AddDevices(List<string> args, string? terminalPath)
    {
        args.AddRange(["--tmpfs", "/dev"]);
        foreach (var device in (string[])["null", "zero", "full", "random", "urandom", "tty"])
        {
            args.AddRange(["--dev-bind", "/dev/" + device, "/dev/" + device]);
        }
        args.AddRange(["--dir", "/dev/pts", "--tmpfs", "/dev/shm", "--dir", "/dev/mqueue"]);
        if (terminalPath is not null)
        {
            args.AddRange(["--dev-bind", terminalPath, terminalPath]);
        }
        args.AddRange(
        [
            "--symlink", "/proc/self/fd", "/dev/fd",
            "--symlink", "/proc/self/fd/0", "/dev/stdin",
            "--symlink", "/proc/self/fd/1", "/dev/stdout",
            "--symlink", "/proc/self/fd/2", "/dev/stderr",
            "--symlink", "/proc/kcore", "/dev/core",
            "--symlink", "pts/ptmx", "/dev/ptmx",
        ]);
    }

    /// <summary>pid 1's environment on an Ubuntu or Debian host booted through an initramfs.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> InitEnvironment(SandboxSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        List<KeyValuePair<string, string>> environment =
        [
            new("HOME", "/"),
            new("init", InitCommand),
            new("NETWORK_SKIP_ENSLAVED", ""),
            new("TERM", "linux"),
        ];
        if (spec.KernelRelease is { Length: > 0 } release)
        {
            environment.Add(new("BOOT_IMAGE", "/boot/vmlinuz-" + release));
        }
        environment.AddRange(
        [
            new("drop_caps", ""),
            new("PATH", "/sbin:/usr/sbin:/bin:/usr/bin"),
            new("PWD", "/"),
            new("rootmnt", "/root"),
        ]);
        return environment;
    }

    /// <summary>The environment sshd gives a session, plus what the client sent; ours wins on conflict.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Environment(SandboxSpec spec, string? term)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in spec.Environment)
        {
            if (IsSafeVariable(name, value))
            {
                environment[name] = value;
            }
        }
        environment["HOME"] = spec.Home;
        environment["USER"] = spec.UserName;
        environment["LOGNAME"] = spec.UserName;
        environment["SHELL"] = spec.Shell;
        environment["PATH"] = spec.Uid == 0
            ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            : "/usr/local/bin:/usr/bin:/bin:/usr/games";
        environment["MAIL"] = "/var/mail/" + spec.UserName;
        if (term is not null)
        {
            environment["TERM"] = term;
        }
        return [.. environment];
    }

    /// <summary>Names as the shell accepts them; values without NUL. Loader variables never pass (sshd refuses them too).</summary>
    internal static bool IsSafeVariable(string name, string value)
    {
        if (name.Length == 0 || name.Length > 255 || value.Contains('\0', StringComparison.Ordinal) || value.Length > 32 * 1024)
        {
            return false;
        }
        if (!(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return !name.StartsWith("LD_", StringComparison.Ordinal) && name is not ("BASH_ENV" or "ENV" or "IFS" or "CHRONOS_TTY" or "CHRONOS_CGROUPS");
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
