using System.Text;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

public class SshCompressionTests
{
    private const int MaxPayload = 256 * 1024;

    // Python's zlib (the same C zlib OpenSSH links) as the peer. "deflate": one compressobj for all lines, each
    // packet flushed with Z_PARTIAL_FLUSH exactly as OpenSSH's compress_buffer does. "inflate": one
    // decompressobj; each packet must inflate completely on arrival, as OpenSSH's uncompress_buffer requires.
    private const string Peer = """
        import sys, zlib
        if sys.argv[1] == "deflate":
            c = zlib.compressobj(6)
            for line in sys.stdin:
                data = bytes.fromhex(line.strip())
                print((c.compress(data) + c.flush(zlib.Z_PARTIAL_FLUSH)).hex())
        else:
            d = zlib.decompressobj()
            for line in sys.stdin:
                print(d.decompress(bytes.fromhex(line.strip())).hex())
        """;

    private static List<byte[]> Packets()
    {
        var random = new Random(3);
        var packets = new List<byte[]>
        {
            Encoding.ASCII.GetBytes("\x5e\0\0\0\0\0\0\0\x05ls -l"),
            Array.Empty<byte>(),
            Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("drwxr-xr-x 2 root root 4096 Jan  1 00:00 bin\n", 300))),
        };
        for (var i = 0; i < 20; i++)
        {
            var packet = new byte[random.Next(1, 40000)];
            if (i % 2 == 0)
            {
                random.NextBytes(packet);
            }
            else
            {
                Array.Fill(packet, (byte)('a' + i));
            }
            packets.Add(packet);
        }
        return packets;
    }

    [Fact]
    public void Round_trip_over_one_continuous_stream()
    {
        using var compressor = new SshCompressor();
        using var decompressor = new SshDecompressor();
        foreach (var packet in Packets())
        {
            var compressed = compressor.Compress(packet);
            Assert.Equal(packet, decompressor.Decompress(compressed, MaxPayload));
        }
    }

    [Fact]
    public async Task Inflates_what_zlib_deflates_with_partial_flush()
    {
        var packets = Packets();
        var lines = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Peer, "deflate"],
            standardInput: string.Concat(packets.Select(p => Hex.Encode(p) + "\n")))).EnsureSuccess().StandardOutput.Split('\n');
        using var decompressor = new SshDecompressor();
        for (var i = 0; i < packets.Count; i++)
        {
            Assert.Equal(packets[i], decompressor.Decompress(Hex.Decode(lines[i]), MaxPayload));
        }
    }

    [Fact]
    public async Task Zlib_inflates_each_packet_completely_on_arrival()
    {
        var packets = Packets();
        using var compressor = new SshCompressor();
        var input = string.Concat(packets.Select(p => Hex.Encode(compressor.Compress(p)) + "\n"));
        var lines = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Peer, "inflate"], standardInput: input))
            .EnsureSuccess().StandardOutput.Split('\n');
        for (var i = 0; i < packets.Count; i++)
        {
            Assert.Equal(Hex.Encode(packets[i]), lines[i]);
        }
    }

    [Fact]
    public void Decompression_bomb_is_a_typed_error()
    {
        using var compressor = new SshCompressor();
        var bomb = compressor.Compress(new byte[10 * 1024 * 1024]);
        Assert.True(bomb.Length < 20000);
        using var decompressor = new SshDecompressor();
        Assert.Throws<SshCompressionException>(() => decompressor.Decompress(bomb, MaxPayload));
        // The stream is unusable afterwards: the connection must end.
        Assert.Throws<SshCompressionException>(() => decompressor.Decompress(compressor.Compress("x"u8), MaxPayload));
    }

    [Fact]
    public void Exactly_max_output_is_accepted()
    {
        using var compressor = new SshCompressor();
        using var decompressor = new SshDecompressor();
        var packet = new byte[1000];
        Assert.Equal(packet, decompressor.Decompress(compressor.Compress(packet), 1000));
        Assert.Equal(packet, decompressor.Decompress(compressor.Compress(packet), 1000));
    }

    [Fact]
    public void Random_and_damaged_input_raises_only_the_typed_error()
    {
        var random = new Random(17);
        using var compressor = new SshCompressor();
        var good = compressor.Compress(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello world ", 100))));
        for (var i = 0; i < 2000; i++)
        {
            byte[] data;
            if (i % 2 == 0)
            {
                data = new byte[random.Next(0, 300)];
                random.NextBytes(data);
            }
            else
            {
                data = (byte[])good.Clone();
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
            }
            using var decompressor = new SshDecompressor();
            try
            {
                var output = decompressor.Decompress(data, 4096);
                Assert.True(output.Length <= 4096);
            }
            catch (SshCompressionException)
            {
            }
        }
    }
}
