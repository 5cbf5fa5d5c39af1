using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chronos.Gateway.Sandbox;

/// <summary>
/// Starts every sandbox from one thread that lives as long as the Gateway. bubblewrap's
/// --die-with-parent is PR_SET_PDEATHSIG, which the kernel fires when the *thread* that forked
/// the process exits, not the process: sandboxes started from thread-pool threads were SIGKILLed
/// (exit 137) whenever the pool retired such a thread after a quiet spell, which ended about a
/// third of 100 concurrent sessions within a minute (seen with the signal_generate tracepoint:
/// one exiting pool thread killing ten bwraps at once). A thread that never exits keeps the
/// signal for what it is for: the Gateway process dying. Chronos.AppHost's ProcessSpawner does
/// the same for its children; the two projects share no library, so each keeps its own.
/// </summary>
internal static class SpawnerThread
{
    private static readonly BlockingCollection<Action> Work = [];

    static SpawnerThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Chronos sandbox spawner" };
        thread.Start();
    }

    /// <summary><see cref="Process.Start(ProcessStartInfo)"/> on the spawner thread; blocks until it returns.</summary>
    public static Process Start(ProcessStartInfo startInfo)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new SandboxUnavailableException($"{startInfo.FileName} could not be started"));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        });
        return started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var work in Work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
