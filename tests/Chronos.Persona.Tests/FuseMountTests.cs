using Chronos.Fuse;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chronos.Persona.Tests;

/// <summary>Ghost files read through the kernel: real FUSE mounts, real cat and stat.</summary>
public sealed class FuseMountTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string History = "sudo nginx -t\nsudo systemctl reload nginx\ncd /var/www/html\nsudo -u www-data wp core version\n";

    [Fact]
    public async Task A_hundred_concurrent_cats_on_four_mounts_cause_one_generation_and_survive_a_restart()
    {
        var name = redis.NextWorldName("fuse");
        await redis.SeededWorldAsync("web-ubuntu2204", name);
        var scratch = Directory.CreateTempSubdirectory("chronos-persona-fuse-").FullName;
        var mounts = new List<WorldMount>();
        try
        {
            var release = new TaskCompletionSource();
            var chat = new FakeChatClient(async (_, ct) =>
            {
                await release.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
                return History;
            });
            for (var i = 0; i < 4; i++)
            {
                // Each mount is its own "process": its own client id and its own origin.
                mounts.Add(await MountAsync(name, Path.Combine(scratch, "m" + i), Harness.Origin(redis.Redis, chat)));
            }
            const string file = "root/.bash_history";
            var before = await StatAsync(Path.Combine(scratch, "m0", file));

            var cats = ProcessRunner.BashAsync(
                "for i in $(seq 0 99); do cat m$((i % 4))/" + file + " > out.$i & done; wait",
                scratch,
                TimeSpan.FromMinutes(2));
            // Let the model answer only once every cat is blocked on its first read.
            await WaitUntilAsync(async () => chat.Calls >= 1 && await BlockedCatsAsync() >= 100);
            release.SetResult();
            (await cats).EnsureSuccess();

            Assert.Equal(1, chat.Calls);
            var outputs = Enumerable.Range(0, 100).Select(i => File.ReadAllBytes(Path.Combine(scratch, "out." + i))).ToArray();
            Assert.All(outputs, o => Assert.Equal(outputs[0], o));
            Assert.StartsWith(History, System.Text.Encoding.UTF8.GetString(outputs[0]), StringComparison.Ordinal);
            Assert.Equal(before, await StatAsync(Path.Combine(scratch, "m3", file)));
            Assert.Equal(long.Parse(before.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture), outputs[0].LongLength);

            // Restart: every mount and origin gone; new ones, a model that must not be asked.
            foreach (var mount in mounts)
            {
                await mount.UnmountAsync();
            }
            mounts.Clear();
            var fresh = new FakeChatClient((_, _) => Task.FromResult("never\n"));
            mounts.Add(await MountAsync(name, Path.Combine(scratch, "m0"), Harness.Origin(redis.Redis, fresh)));
            var again = await ProcessRunner.RunAsync("cat", [Path.Combine(scratch, "m0", file)]);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(outputs[0]), again.EnsureSuccess().StandardOutput);
            Assert.Equal(0, fresh.Calls);
            Assert.Equal(before, await StatAsync(Path.Combine(scratch, "m0", file)));
        }
        finally
        {
            foreach (var mount in mounts)
            {
                await mount.UnmountAsync();
            }
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public async Task Listing_a_lazy_directory_through_the_mount_decides_it_once()
    {
        var name = redis.NextWorldName("fuse");
        await redis.SeededWorldAsync("db-debian12", name);
        var scratch = Directory.CreateTempSubdirectory("chronos-persona-fuse-").FullName;
        var mounts = new List<WorldMount>();
        try
        {
            mounts.Add(await MountAsync(name, Path.Combine(scratch, "a"), Harness.Origin(redis.Redis)));
            mounts.Add(await MountAsync(name, Path.Combine(scratch, "b"), Harness.Origin(redis.Redis)));
            var a = (await ProcessRunner.BashAsync("ls -l a/var/backups/postgresql | tail -n +2", scratch)).EnsureSuccess().StandardOutput;
            var b = (await ProcessRunner.BashAsync("ls -l b/var/backups/postgresql | tail -n +2", scratch)).EnsureSuccess().StandardOutput;
            Assert.Contains("erp_prod-", a, StringComparison.Ordinal);
            Assert.Equal(a, b);
            var head = (await ProcessRunner.BashAsync("head -c 200 \"$(ls -d a/var/backups/postgresql/*.sql | head -1)\"", scratch)).EnsureSuccess().StandardOutput;
            Assert.Contains("PostgreSQL database dump", head, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var mount in mounts)
            {
                await mount.UnmountAsync();
            }
            Directory.Delete(scratch, recursive: true);
        }
    }

    private async Task<WorldMount> MountAsync(string world, string mountPoint, IContentOrigin origin) =>
        await WorldMount.MountAsync(new WorldCatalog(redis.Redis).Open(world, "mount:" + mountPoint), mountPoint, new WorldMountOptions(), redis.Redis, NullLogger.Instance, [origin]);

    private static async Task<string> StatAsync(string path) =>
        (await ProcessRunner.RunAsync("stat", ["-c", "%s %a %u %g %Y", path])).EnsureSuccess().StandardOutput.Trim();

    private static async Task<int> BlockedCatsAsync()
    {
        var result = await ProcessRunner.RunAsync("pgrep", ["-fc", "^cat m[0-3]/root/.bash_history"]);
        return int.TryParse(result.StandardOutput.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 60 s");
            await poll.WaitForNextTickAsync();
        }
    }
}
