using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// Starts every child from one dedicated thread that lives as long as the AppHost.
/// Children get PR_SET_PDEATHSIG (through <c>setpriv --pdeathsig</c>), and the kernel sends that
/// signal when the <em>thread</em> that forked the child exits, not the process: a child forked
/// from a thread-pool thread would be killed when the pool retires that idle thread.
/// </summary>
internal sealed class ProcessSpawner
{
    private readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> _requests = new();

    public ProcessSpawner()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = "chronos-spawner" };
        thread.Start();
    }

    public Task<Process> StartAsync(ProcessStartInfo startInfo)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((startInfo, started));
        return started.Task;
    }

    private void Loop()
    {
        foreach (var (startInfo, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {startInfo.FileName}"));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }
}
