namespace Chronos.Fuse.Tests;

/// <summary>The first thing anyone does on a mounted world: ls, touch, echo, cat.</summary>
public sealed class SmokeTests(MountedWorld world) : IClassFixture<MountedWorld>
{
    [Fact]
    public async Task Touch_then_ls_shows_the_file()
    {
        var output = await world.ShAsync("mkdir -p tmp && touch tmp/pwn && ls tmp");
        Assert.Equal("pwn\n", output);
    }

    [Fact]
    public async Task Echo_then_cat_reads_the_bytes_back()
    {
        var output = await world.ShAsync("echo hacked > pwn; cat pwn; stat -c '%s %F %a' pwn");
        Assert.Equal("hacked\n7 regular file 644\n", output);
    }
}
