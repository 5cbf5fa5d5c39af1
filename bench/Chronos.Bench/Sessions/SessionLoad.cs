using System.Collections.Concurrent;
using System.Diagnostics;
using Renci.SshNet;

namespace Chronos.Bench.Sessions;

/// <summary>How the sessions are opened and what they type.</summary>
internal sealed record LoadShape(int Count, double OpenRate, TimeSpan Period, TimeSpan Steady, string Command, TimeSpan KeyGap);

/// <summary>What one server did under the load.</summary>
internal sealed record LoadResult(
    string Server,
    int Opened,
    int FailedOpens,
    int FailedKeys,
    IReadOnlyList<double> OpenMillis,
    IReadOnlyList<double> AuthenticatedMillis,
    IReadOnlyList<double> EchoMillis,
    IReadOnlyList<double> CommandMillis,
    ProcessTree Idle,
    ProcessTree Loaded,
    string LoadAverage);

/// <summary>
/// N interactive sessions against one server, after three warm-up logins: opened at a limited rate, each then typing
/// <see cref="LoadShape.Command"/> one key at a time (waiting for each echo, then a typist's gap)
/// every <see cref="LoadShape.Period"/> ± 50 %, staggered. Echo and command times count only
/// once every session is open (the steady window); memory is taken in the middle of it.
/// </summary>
internal static class SessionLoad
{
    public static async Task<LoadResult> RunAsync(string server, int port, PrivateKeyFile key, LoadShape shape, Func<ProcessTree> measure)
    {
        // Warm-up, the same for both servers: the Gateway's first logins pay for JIT compilation
        // and cold mount caches, which no later session pays again.
        for (var i = 0; i < 3; i++)
        {
            (await InteractiveSession.OpenAsync(port, key, CancellationToken.None)).Session.Dispose();
        }
        var idle = measure();
        var opens = new ConcurrentBag<double>();
        var authentications = new ConcurrentBag<double>();
        var echoes = new ConcurrentBag<double>();
        var commands = new ConcurrentBag<double>();
        var failedOpens = 0;
        var failedKeys = 0;
        var steady = false;
        using var stop = new CancellationTokenSource();
        var sessions = new ConcurrentBag<InteractiveSession>();
        var users = new List<Task>();
        var ramp = Stopwatch.StartNew();

        for (var i = 0; i < shape.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / shape.OpenRate) - ramp.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
            users.Add(Task.Run(async () =>
            {
                InteractiveSession session;
                try
                {
                    (session, var open, var authenticated) = await InteractiveSession.OpenAsync(port, key, stop.Token);
                    opens.Add(open.TotalMilliseconds);
                    authentications.Add(authenticated.TotalMilliseconds);
                    sessions.Add(session);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (Interlocked.Increment(ref failedOpens) <= 3)
                    {
                        Console.Error.WriteLine($"{server}: open failed: {e.GetType().Name}: {e.Message}");
                    }
                    return;
                }
                try
                {
                    await TypeAsync(session, shape, () => Volatile.Read(ref steady), echoes, commands, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e)
                {
                    if (Interlocked.Increment(ref failedKeys) <= 3)
                    {
                        Console.Error.WriteLine($"{server}: typing failed: {e.GetType().Name}: {e.Message}");
                    }
                }
            }));
        }
        // Every session open (or failed): the steady window starts.
        while (opens.Count + failedOpens < shape.Count)
        {
            await Task.Delay(100);
        }
        Console.Error.WriteLine($"{server}: {opens.Count} open after {ramp.Elapsed.TotalSeconds:N0} s, {failedOpens} failed; steady for {shape.Steady.TotalSeconds:N0} s");
        Volatile.Write(ref steady, true);
        await Task.Delay(shape.Steady / 2);
        var loaded = measure();
        var loadAverage = File.ReadAllText("/proc/loadavg").Trim();
        await Task.Delay(shape.Steady / 2);
        Volatile.Write(ref steady, false);
        await stop.CancelAsync();
        await Task.WhenAll(users);
        foreach (var session in sessions)
        {
            session.Dispose();
        }
        return new LoadResult(server, opens.Count, failedOpens, failedKeys, Sorted(opens), Sorted(authentications), Sorted(echoes), Sorted(commands), idle, loaded, loadAverage);
    }

    private static async Task TypeAsync(
        InteractiveSession session, LoadShape shape, Func<bool> steady, ConcurrentBag<double> echoes, ConcurrentBag<double> commands, CancellationToken cancellationToken)
    {
        // Staggered: each session starts somewhere in its first period.
        await Task.Delay(shape.Period * Random.Shared.NextDouble(), cancellationToken);
        while (true)
        {
            foreach (var key in shape.Command)
            {
                var echo = await session.TypeAsync(key, cancellationToken);
                if (steady())
                {
                    echoes.Add(echo.TotalMilliseconds);
                }
                await Task.Delay(shape.KeyGap, cancellationToken);
            }
            var command = await session.EnterAsync(cancellationToken);
            if (steady())
            {
                commands.Add(command.TotalMilliseconds);
            }
            session.Forget();
            await Task.Delay(shape.Period * (0.5 + Random.Shared.NextDouble()), cancellationToken);
        }
    }

    private static double[] Sorted(IEnumerable<double> values)
    {
        var array = values.ToArray();
        Array.Sort(array);
        return array;
    }
}
