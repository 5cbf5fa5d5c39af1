using Chronos.Gateway.Sandbox;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Sandbox;

public sealed class SandboxLifetimeTests(SandboxWorld world) : IClassFixture<SandboxWorld>
{
    [Fact]
    public async Task A_session_outlives_the_thread_that_started_it()
    {
        // bubblewrap's --die-with-parent fires when the forking *thread* exits; sessions started
        // from pool threads died with 137 when the pool retired those threads.
        SandboxSession? started = null;
        StreamReader? stdout = null;
        var starter = new Thread(() =>
        {
            started = SandboxSession.Start(world.Spec("root", "echo started; sleep 1; echo alive"), terminal: null);
            started.Input.Close();
            stdout = new StreamReader(started.Output);
            // The thread ends only once the sandbox runs, so bubblewrap has armed its parent-death signal.
            Assert.Equal("started", stdout.ReadLine());
        });
        starter.Start();
        starter.Join();
        await using var session = started!;
        using var reader = stdout!;
        var rest = reader.ReadToEndAsync();

        var exit = await session.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exit);
        Assert.Equal("alive\n", await rest);
    }
}
