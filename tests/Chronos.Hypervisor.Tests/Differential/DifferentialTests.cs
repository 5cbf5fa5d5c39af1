using System.Globalization;
using Xunit.Abstractions;

namespace Chronos.Hypervisor.Tests.Differential;

/// <summary>
/// Random operation sequences against Linux (a tmpfs directory under /dev/shm) and the
/// Hypervisor must agree on everything. CHRONOS_DIFF_STEPS sets the steps per seed (default
/// 2,500; four seeds), CHRONOS_DIFF_SEED runs one given seed instead.
/// </summary>
[Collection(UmaskCollection.Name)]
public sealed class DifferentialTests(RedisFixture redis, ITestOutputHelper output) : IClassFixture<RedisFixture>
{
    private static int Steps => int.TryParse(Environment.GetEnvironmentVariable("CHRONOS_DIFF_STEPS"), CultureInfo.InvariantCulture, out var n) ? n : 2500;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Hypervisor_matches_Linux_on_random_sequences(int seed)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("CHRONOS_DIFF_SEED"), CultureInfo.InvariantCulture, out var pinned))
        {
            seed = seed == 1 ? pinned : 0;
            if (seed == 0)
            {
                return;
            }
        }
        var root = Path.Combine("/dev/shm", "chronos-diff-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var world = "diff" + seed + "-" + Guid.NewGuid().ToString("N")[..6];
        var fs = await redis.NewWorldAsync(name: world);
        var oldMask = Libc.umask(0);
        try
        {
            var run = new DifferentialRun(seed, Steps, new LinuxSide(root), new HypervisorSide(fs, new Random(seed)));
            var started = DateTime.UtcNow;
            await run.RunAsync();
            output.WriteLine($"seed {seed}: {run.Operations} operations in {(DateTime.UtcNow - started).TotalSeconds:F1} s, no mismatch");
            await redis.AssertCleanAsync(world);
        }
        finally
        {
            Libc.umask(oldMask);
            Directory.Delete(root, recursive: true);
        }
    }
}

/// <summary>umask is process-wide: tests that change it do not run in parallel with each other.</summary>
[CollectionDefinition(Name)]
public sealed class UmaskCollection
{
    public const string Name = "umask";
}
