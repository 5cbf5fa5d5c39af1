using System.Diagnostics;
using System.Globalization;
using Chronos.Testing;

namespace Chronos.Bench.SshServer;

/// <summary>Debian's /usr/sbin/sshd on a free loopback port with ssh-keygen host keys and one authorized key for root.</summary>
internal sealed class Sshd : IAsyncDisposable
{
    private readonly Process _process;

    private Sshd(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <param name="homeOnTmpfs">
    /// Run sshd in a mount namespace of its own with a fresh tmpfs on /root, so root's sessions
    /// start in an empty home in memory (the world a Chronos session sees is in memory too).
    /// </param>
    public static async Task<Sshd> StartAsync(string directory, string authorizedKey, bool homeOnTmpfs = false)
    {
        var keys = Path.Combine(directory, "sshd");
        Directory.CreateDirectory(keys);
        File.Copy(authorizedKey, Path.Combine(keys, "authorized_keys"));
        await ProcessRunner.BashAsync(
            $"cd {keys} && ssh-keygen -q -t rsa -b 3072 -N '' -f ssh_host_rsa_key && ssh-keygen -q -t ecdsa -N '' -f ssh_host_ecdsa_key " +
            "&& ssh-keygen -q -t ed25519 -N '' -f ssh_host_ed25519_key && mkdir -p /run/sshd");
        var port = FreePort.Next();
        var config = Path.Combine(keys, "sshd_config");
        await File.WriteAllTextAsync(config, string.Join('\n',
        [
            $"Port {port}", "ListenAddress 127.0.0.1", $"HostKey {keys}/ssh_host_rsa_key", $"HostKey {keys}/ssh_host_ecdsa_key",
            $"HostKey {keys}/ssh_host_ed25519_key", "PidFile none", "UsePAM yes", "KbdInteractiveAuthentication no", "PermitRootLogin yes",
            $"AuthorizedKeysFile {keys}/authorized_keys", "StrictModes no", "MaxStartups 1000", "MaxSessions 100", "",
        ]));
        var start = new ProcessStartInfo(homeOnTmpfs ? "unshare" : "/usr/sbin/sshd") { UseShellExecute = false, RedirectStandardError = true };
        // unshare and sh exec into sshd: the process started is sshd itself.
        string[] arguments = homeOnTmpfs
            ? ["-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=1g,mode=700 chronos-bench-home /root && exec /usr/sbin/sshd -D -f \"$0\"", config]
            : ["-D", "-f", config];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return new Sshd(process, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                await poll.WaitForNextTickAsync();
            }
        }
        throw new InvalidOperationException("sshd did not start");
    }

    /// <summary>Processes sshd forked for connections (two per authenticated connection with privilege separation).</summary>
    public int ChildCount() => Descendants().Count;

    /// <summary>Summed VmRSS of sshd and every process it forked.</summary>
    public long TotalRssBytes() => Descendants().Append(_process.Id).Sum(Rss);

    private List<int> Descendants()
    {
        var result = new List<int>();
        var frontier = new Queue<int>([_process.Id]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            var path = $"/proc/{parent}/task/{parent}/children";
            if (!File.Exists(path))
            {
                continue;
            }
            foreach (var child in File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture)))
            {
                result.Add(child);
                frontier.Enqueue(child);
            }
        }
        return result;
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
