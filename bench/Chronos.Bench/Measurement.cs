using System.Diagnostics;

namespace Chronos.Bench;

/// <summary>Latencies of one operation run by N closed-loop callers: median, p99 and throughput.</summary>
internal sealed record Measurement(string Name, int Callers, long Operations, TimeSpan Wall, double MedianMicros, double P99Micros)
{
    public double PerSecond => Operations / Wall.TotalSeconds;

    /// <summary>EVALSHA round trips per operation (0 for plain commands).</summary>
    public double ScriptCallsPerOp { get; init; }

    /// <summary>Redis CPU time in scripts per operation (INFO commandstats usec).</summary>
    public double ServerMicrosPerOp { get; init; }

    /// <summary>The part of <see cref="ServerMicrosPerOp"/> spent in read-only scripts (EVALSHA_RO).</summary>
    public double ServerReadOnlyMicrosPerOp { get; init; }

    public override string ToString() =>
        $"{Name,-28} {Callers,3} callers {Operations,8} ops  {PerSecond,10:N0} ops/s  median {MedianMicros,8:N1} us  p99 {P99Micros,9:N1} us  scripts/op {ScriptCallsPerOp,4:N2}  redis {ServerMicrosPerOp,6:N1} us/op ({ServerReadOnlyMicrosPerOp:N1} read-only)";

    /// <summary>Runs <paramref name="operation"/>(i) for i in 0..operations-1, spread over <paramref name="callers"/> tasks.</summary>
    public static async Task<Measurement> RunAsync(string name, int callers, int operations, Func<int, Task> operation)
    {
        var latencies = new long[operations];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < operations)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(i);
                latencies[i] = Stopwatch.GetTimestamp() - start;
            }
        })));
        wall.Stop();
        Array.Sort(latencies);
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        return new Measurement(name, callers, operations, wall.Elapsed, Micros(latencies[operations / 2]), Micros(latencies[(int)(operations * 0.99)]));
    }
}
