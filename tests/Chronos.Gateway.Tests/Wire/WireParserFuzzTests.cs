using System.Buffers;
using Chronos.Gateway.Ssh.Transport;
using Chronos.Gateway.Ssh.Wire;
using Chronos.Gateway.Ssh.Wire.Messages;

namespace Chronos.Gateway.Tests.Wire;

/// <summary>Every wire parser on random and mutated input: a typed SshProtocolException or a value, never another exception.</summary>
public sealed class WireParserFuzzTests
{
    private static readonly byte[] ValidKexInit = new KexInitMessage(
        ["curve25519-sha256", "ext-info-c"], ["ssh-ed25519"], ["aes128-ctr"], ["aes128-ctr"], ["hmac-sha2-256"], ["hmac-sha2-256"],
        ["none"], ["none"], [], [], false).Write();

    private static IEnumerable<byte[]> Inputs(int seed, int count)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            if (i % 2 == 0)
            {
                var bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                yield return bytes;
            }
            else
            {
                // Mutations of a valid message: flipped bytes, truncation, inflated lengths.
                var bytes = ValidKexInit.ToArray();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
                yield return bytes[..random.Next(1, bytes.Length + 1)];
            }
        }
    }

    private static void OnlyProtocolErrors(Action parse)
    {
        try
        {
            parse();
        }
        catch (SshProtocolException)
        {
        }
    }

    [Fact]
    public void Message_parsers_throw_only_protocol_exceptions()
    {
        foreach (var input in Inputs(1, 20_000))
        {
            OnlyProtocolErrors(() => KexInitMessage.Parse(input));
            OnlyProtocolErrors(() => DisconnectMessage.Parse(input));
            OnlyProtocolErrors(() => ServiceRequestMessage.Parse(input));
            OnlyProtocolErrors(() => KexDhGexRequestMessage.Parse(input));
            OnlyProtocolErrors(() => KexEcdhInitMessage.Parse(input));
            OnlyProtocolErrors(() =>
            {
                var reader = new SshReader(input);
                UserAuthRequestHead.Read(ref reader);
            });
            OnlyProtocolErrors(() =>
            {
                var reader = new SshReader(input);
                ChannelOpenHead.Read(ref reader);
            });
            OnlyProtocolErrors(() =>
            {
                var reader = new SshReader(input);
                ChannelRequestHead.Read(ref reader);
                reader.ReadMPIntMagnitude();
                reader.ReadNameList();
            });
        }
    }

    [Fact]
    public void Packet_decoder_on_random_streams_returns_payloads_or_protocol_exceptions()
    {
        foreach (var input in Inputs(2, 20_000))
        {
            using var decoder = new PacketDecoder();
            var sequence = new ReadOnlySequence<byte>(input);
            OnlyProtocolErrors(() =>
            {
                while (decoder.TryDecode(ref sequence, out var payload))
                {
                    Assert.True(payload.Length <= input.Length);
                }
            });
        }
    }

    [Fact]
    public void Kexinit_and_mpint_round_trip()
    {
        var parsed = KexInitMessage.Parse(ValidKexInit);
        Assert.Equal(["curve25519-sha256", "ext-info-c"], parsed.KexAlgorithms);
        Assert.Empty(parsed.LanguagesClientToServer);

        var random = new Random(3);
        for (var i = 0; i < 2_000; i++)
        {
            var magnitude = new byte[random.Next(0, 70)];
            random.NextBytes(magnitude);
            var encoded = new SshWriter().WriteMPInt(magnitude).ToArray();
            var reader = new SshReader(encoded);
            Assert.Equal(magnitude.SkipWhile(b => b == 0).ToArray(), reader.ReadMPIntMagnitude().ToArray());
            Assert.True(reader.IsAtEnd);
        }
    }

    [Fact]
    public void Packets_split_at_every_byte_decode_the_same()
    {
        var payloads = Enumerable.Range(1, 5).Select(n => Enumerable.Repeat((byte)n, n * 37).ToArray()).ToArray();
        var wire = new ArrayBufferWriter<byte>();
        using (var encoder = new PacketEncoder())
        {
            foreach (var payload in payloads)
            {
                encoder.Encode(payload, wire);
            }
        }
        var bytes = wire.WrittenSpan.ToArray();
        for (var split = 0; split <= bytes.Length; split++)
        {
            using var decoder = new PacketDecoder();
            var decoded = new List<byte[]>();
            var pending = new List<byte>(bytes[..split]);
            void Drain()
            {
                var sequence = new ReadOnlySequence<byte>([.. pending]);
                while (decoder.TryDecode(ref sequence, out var payload))
                {
                    decoded.Add(payload);
                }
                pending = [.. sequence.ToArray()];
            }
            Drain();
            pending.AddRange(bytes[split..]);
            Drain();
            Assert.Equal(payloads, decoded);
        }
    }
}
