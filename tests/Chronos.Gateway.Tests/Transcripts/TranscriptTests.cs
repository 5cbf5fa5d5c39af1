using System.Text;
using Chronos.Gateway.Sandbox;
using Chronos.Gateway.Tests.Sandbox;
using Chronos.Gateway.Transcripts;

namespace Chronos.Gateway.Tests.Transcripts;

public sealed class TranscriptTests(SandboxWorld world) : IClassFixture<SandboxWorld>
{
    [Fact]
    public async Task A_recorded_session_replays_exactly_what_the_client_saw()
    {
        var cast = new MemoryStream();
        var writer = new AsciicastWriter(new NonClosingStream(cast), new AsciicastHeader { Width = 80, Height = 24, Timestamp = 1_700_000_000 });
        string seen;
        await using (var session = SandboxSession.Start(world.Spec("root"), new TerminalRequest("xterm", 80, 24)))
        {
            using var screen = new TerminalScreen(session.Output, data => writer.OutputAsync(data));
            await screen.WaitForAsync("# ");
            var keys = "echo héllo-$((6*7)); for i in 1 2 3; do echo line$i; done\nexit\n"u8.ToArray();
            await writer.InputAsync(keys);
            await session.Input.WriteAsync(keys);
            await session.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            await screen.Closed.WaitAsync(TimeSpan.FromSeconds(20));
            seen = screen.Text;
        }
        await writer.DisposeAsync();

        var (header, events) = AsciicastReader.Parse(Encoding.UTF8.GetString(cast.ToArray()));
        Assert.Equal(80, header.Width);
        var replay = AsciicastReader.Output(events);
        Assert.Equal(seen, replay);
        Assert.Contains("héllo-42", replay, StringComparison.Ordinal);
        Assert.Contains("line3", replay, StringComparison.Ordinal);
        Assert.Equal("i", events.First(e => e.Code != "o").Code);
    }

    [Fact]
    public async Task A_character_split_across_reads_stays_one_character()
    {
        var cast = new MemoryStream();
        var writer = new AsciicastWriter(new NonClosingStream(cast), new AsciicastHeader { Width = 10, Height = 5 });
        var bytes = Encoding.UTF8.GetBytes("é€😀");
        foreach (var b in bytes)
        {
            await writer.OutputAsync(new[] { b });
        }
        await writer.ResizeAsync(100, 30);
        await writer.DisposeAsync();

        var (_, events) = AsciicastReader.Parse(Encoding.UTF8.GetString(cast.ToArray()));
        Assert.Equal("é€😀", AsciicastReader.Output(events));
        Assert.Equal(new AsciicastEvent(events[^1].Time, "r", "100x30"), events[^1]);
    }

    [Fact]
    public void Malformed_recordings_are_rejected_with_the_line_that_is_wrong()
    {
        var random = new Random(42);
        var valid = "{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"o\",\"a\"]\n[0.2,\"o\",\"b\"]\n";
        for (var i = 0; i < 3000; i++)
        {
            var bytes = valid.ToCharArray();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] = "[]{}\",:0.9xo\n"[random.Next(13)];
            }
            try
            {
                var (_, events) = AsciicastReader.Parse(new string(bytes));
                Assert.All(events, e => Assert.False(double.IsNaN(e.Time)));
            }
            catch (AsciicastFormatException ex)
            {
                Assert.StartsWith("line ", ex.Message, StringComparison.Ordinal);
            }
        }
        Assert.Throws<AsciicastFormatException>(() => AsciicastReader.Parse("{\"version\":1,\"width\":1,\"height\":1}"));
        Assert.Throws<AsciicastFormatException>(() => AsciicastReader.Parse("{\"version\":2,\"width\":1,\"height\":1}\n[2,\"o\",\"a\"]\n[1,\"o\",\"b\"]"));
    }

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        protected override void Dispose(bool disposing)
        {
        }
    }
}
