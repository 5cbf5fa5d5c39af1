using System.Diagnostics;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// Debian's own /usr/sbin/sshd (the oracle) on a free loopback port, with host keys from ssh-keygen
/// in a temp directory and Debian's default settings that matter on the wire.
/// </summary>
public sealed class RealSshd : IAsyncDisposable
{
    private readonly Process _process;

    private RealSshd(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public static async Task<RealSshd> StartAsync()
    {
        var directory = TempDirectory.Create("chronos-sshd");
        await ProcessRunner.BashAsync(
            $"cd {directory} && ssh-keygen -q -t rsa -b 3072 -N '' -f ssh_host_rsa_key && ssh-keygen -q -t ecdsa -b 256 -N '' -f ssh_host_ecdsa_key " +
            "&& ssh-keygen -q -t ed25519 -N '' -f ssh_host_ed25519_key && mkdir -p /run/sshd");
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var config = Path.Combine(directory, "sshd_config");
            await File.WriteAllTextAsync(config, string.Join('\n',
            [
                $"Port {port}",
                "ListenAddress 127.0.0.1",
                $"HostKey {directory}/ssh_host_rsa_key",
                $"HostKey {directory}/ssh_host_ecdsa_key",
                $"HostKey {directory}/ssh_host_ed25519_key",
                "PidFile none",
                "UsePAM yes",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin yes",
                "AcceptEnv LANG LC_*",
                "Subsystem sftp /usr/lib/openssh/sftp-server",
                "MaxStartups 1000",
                "",
            ]));
            var startInfo = new ProcessStartInfo("/usr/sbin/sshd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-D", "-e", "-f", config })
            {
                startInfo.ArgumentList.Add(argument);
            }
            var process = Process.Start(startInfo)!;
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(10) && !process.HasExited)
            {
                try
                {
                    await using var probe = await RawSshConnection.ConnectAsync(port);
                    return new RealSshd(process, port, directory);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Yield();
                    using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                    await tick.WaitForNextTickAsync();
                }
            }
            if (!process.HasExited)
            {
                process.Kill();
            }
            if (attempt >= 3)
            {
                throw new InvalidOperationException("sshd did not start (apt-get install openssh-server)");
            }
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
