using System.Text;
using Chronos.Gateway.Transcripts;

namespace Chronos.Gateway.Tests.Transcripts;

public sealed class TypedLineRecorderTests
{
    private static IReadOnlyList<TypedLine> Feed(string keys) => new TypedLineRecorder().Feed(Encoding.UTF8.GetBytes(keys));

    [Theory]
    [InlineData("ls -la\r", "ls -la", false)]
    [InlineData("cat /etc/pasd\u007fswd\r", "cat /etc/passwd", false)]
    [InlineData("rm -rf /\u0015id\r", "id", false)]
    [InlineData("wget http://x/y.sh\u0017curl\r", "wget curl", false)]
    [InlineData("ls\u001b[Dx\r", "lsx", true)]
    [InlineData("\u0012wget\r", "wget", true)]
    public void Lines_are_rebuilt_as_the_terminal_saw_them(string keys, string line, bool edited) =>
        Assert.Equal([new TypedLine(line, edited)], Feed(keys));

    [Fact]
    public void Ctrl_C_abandons_the_line_and_keys_split_across_packets_join()
    {
        var recorder = new TypedLineRecorder();
        Assert.Empty(recorder.Feed("sleep 100\u0003"u8));
        Assert.Empty(recorder.Feed("ec"u8));
        Assert.Empty(recorder.Feed(Encoding.UTF8.GetBytes("ho é").AsSpan(0, 4)));
        var lines = recorder.Feed(Encoding.UTF8.GetBytes("é\r").AsSpan(1));
        Assert.Equal([new TypedLine("echo é", false)], lines);
    }

    [Fact]
    public void Random_keystrokes_never_throw_and_lines_stay_bounded()
    {
        var random = new Random(99);
        var recorder = new TypedLineRecorder();
        for (var i = 0; i < 2000; i++)
        {
            var keys = new byte[random.Next(0, 200)];
            random.NextBytes(keys);
            foreach (var line in recorder.Feed(keys))
            {
                Assert.True(line.Text.Length <= 64 * 1024);
                Assert.DoesNotContain('\r', line.Text);
            }
        }
    }
}
