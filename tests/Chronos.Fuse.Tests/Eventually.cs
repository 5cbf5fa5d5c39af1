using System.Diagnostics;

namespace Chronos.Fuse.Tests;

/// <summary>Waits for a condition with a deadline (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (clock.Elapsed > deadline)
            {
                throw new TimeoutException($"{what}: not within {deadline} (last: {value})");
            }
            await tick.WaitForNextTickAsync();
        }
    }
}
