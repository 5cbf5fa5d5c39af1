using System.IO.Pipes;
using System.Security.Cryptography;
using Chronos.Gateway.Sandbox;

namespace Chronos.Gateway.Tests.Sandbox;

public sealed class DescriptorStreamTests
{
    [Fact]
    public async Task A_terminal_whose_last_slave_closed_reads_as_a_hang_up()
    {
        using var terminal = PseudoTerminal.Open(80, 24);
        var pending = terminal.Master.ReadAsync(new byte[64]).AsTask();

        terminal.CloseSlave();

        await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_pipe_taken_over_carries_every_byte_then_its_end_of_file()
    {
        var sent = RandomNumberGenerator.GetBytes(1 << 20);
        using var writer = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = DescriptorStream.TakeOver(new AnonymousPipeClientStream(PipeDirection.In, writer.ClientSafePipeHandle));
        writer.DisposeLocalCopyOfClientHandle();

        // 1 MiB is far more than a pipe holds (64 KiB): reads must wait for the writer many times.
        var writing = Task.Run(async () =>
        {
            await writer.WriteAsync(sent);
            writer.Dispose();
        });
        using var received = new MemoryStream();
        var buffer = new byte[7000];
        int read;
        while ((read = await reader.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(60))) > 0)
        {
            received.Write(buffer, 0, read);
        }
        await writing;

        Assert.Equal(sent, received.ToArray());
    }
}
