using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using Chronos.Gateway.Ssh.Connection;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// The test double for the sandbox: exec runs the command with /bin/sh -c (stdin, stdout, stderr
/// and the exit status all plumbed through the channel); shell echoes every byte back until EOF;
/// subsystem "echo" does the same.
/// </summary>
public sealed class TestSessionHandler : ISshSessionHandler
{
    public ConcurrentQueue<SshSessionRequest> Requests { get; } = new();

    public bool AcceptsSubsystem(string name) => name == "echo";

    public async Task<int> RunAsync(SshSessionRequest request, SshChannelStreams io, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        if (request.Kind != SshSessionKind.Exec)
        {
            await EchoAsync(io, cancellationToken);
            return 0;
        }
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(request.Command!);
        using var process = Process.Start(startInfo)!;
        var stdin = PumpInputAsync(io.Input, process.StandardInput.BaseStream, cancellationToken);
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(io.Output, cancellationToken);
        var stderr = process.StandardError.BaseStream.CopyToAsync(io.Error, cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        _ = stdin;
        return process.ExitCode;
    }

    private static async Task PumpInputAsync(PipeReader input, Stream target, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                foreach (var segment in result.Buffer)
                {
                    await target.WriteAsync(segment, cancellationToken);
                }
                await target.FlushAsync(cancellationToken);
                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
        finally
        {
            target.Close();
        }
    }

    private static async Task EchoAsync(SshChannelStreams io, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await io.Input.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                await io.Output.WriteAsync(segment, cancellationToken);
            }
            io.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
