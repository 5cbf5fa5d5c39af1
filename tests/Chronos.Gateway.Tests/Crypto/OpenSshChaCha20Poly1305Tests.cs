using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Tests.Crypto;

public class OpenSshChaCha20Poly1305Tests
{
    private const string Python = "/usr/bin/python3";

    // A line-by-line replica of OpenSSH's cipher-chachapoly-libcrypto.c (the code Debian's sshd runs), over
    // OpenSSL's ChaCha20 and Poly1305 via python3-cryptography: the 16-byte EVP IV is an 8-byte little-endian
    // block counter followed by the 8-byte big-endian sequence number.
    private const string OpenSshReplica = """
        import sys
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
        from cryptography.hazmat.primitives.poly1305 import Poly1305
        for line in sys.stdin:
            key_hex, seq, pt_hex = line.split()
            key, seq, pt = bytes.fromhex(key_hex), int(seq), bytes.fromhex(pt_hex)
            main_key, header_key = key[:32], key[32:]
            seqbuf = seq.to_bytes(8, "big")
            def stream(k, counter, data):
                iv = counter.to_bytes(8, "little") + seqbuf
                return Cipher(algorithms.ChaCha20(k, iv), None).encryptor().update(data)
            poly_key = stream(main_key, 0, bytes(32))
            out = stream(header_key, 0, pt[:4]) + stream(main_key, 1, pt[4:])
            print((out + Poly1305.generate_tag(poly_key, out)).hex())
        """;

    // OpenSSL's raw ChaCha20 keystream for (key, 16-byte IV = counter LE || nonce) over zero bytes.
    private const string ChaChaKeystream = """
        import sys
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
        for line in sys.stdin:
            key_hex, iv_hex, n = line.split()
            print(Cipher(algorithms.ChaCha20(bytes.fromhex(key_hex), bytes.fromhex(iv_hex)), None).encryptor().update(bytes(int(n))).hex())
        """;

    // RFC 8439 §2.3.2: block function with counter 1 and nonce 00000009 0000004a 00000000. In the original
    // layout the IETF nonce's first word is the high half of the 64-bit counter.
    [Fact]
    public void Rfc8439_block_function_vector()
    {
        var key = new uint[8];
        ChaCha20.ExpandKey(Hex.Decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), key);
        var block = new byte[64];
        ChaCha20.OneBlock(key, 0x4a000000, 0, 1UL | (0x09000000UL << 32), block);
        Assert.Equal(
            "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e" +
            "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", Hex.Encode(block));
    }

    // RFC 8439 §2.4.2: 114 bytes, so the four-block vector path and the one-block tail are both used.
    [Fact]
    public void Rfc8439_encryption_vector()
    {
        var key = new uint[8];
        ChaCha20.ExpandKey(Hex.Decode("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), key);
        var plaintext = Encoding.ASCII.GetBytes(
            "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.");
        var output = new byte[plaintext.Length];
        ChaCha20.Xor(key, Hex.Decode("0000004a00000000"), 1, plaintext, output);
        Assert.Equal(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b" +
            "f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8" +
            "07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736" +
            "5af90bbf74a35be6b40b8eedf2785e42874d", Hex.Encode(output));
    }

    // RFC 8439 §2.5.2: the raw Poly1305 the construction uses.
    [Fact]
    public void Rfc8439_poly1305_vector()
    {
        var poly = new Poly1305();
        poly.Init(new KeyParameter(Hex.Decode("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")));
        poly.BlockUpdate("Cryptographic Forum Research Group"u8);
        var tag = new byte[16];
        poly.DoFinal(tag);
        Assert.Equal("a8061dc1305136c6c22b8baf0c0127a9", Hex.Encode(tag));
    }

    [Fact]
    public async Task Keystream_matches_openssl_for_many_lengths_and_counters()
    {
        var random = new Random(5);
        var cases = new List<(byte[] Key, byte[] Nonce, ulong Counter, int Length)>();
        for (var i = 0; i < 60; i++)
        {
            var key = new byte[32];
            var nonce = new byte[8];
            random.NextBytes(key);
            random.NextBytes(nonce);
            // Counters just below 2^32 exercise the carry into state word 13.
            var counter = i % 3 == 0 ? 0xffff_fffeUL : (ulong)random.Next(0, 1000);
            cases.Add((key, nonce, counter, random.Next(0, 1200)));
        }
        var input = string.Concat(cases.Select(c =>
        {
            var iv = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(iv, c.Counter);
            c.Nonce.CopyTo(iv, 8);
            return $"{Hex.Encode(c.Key)} {Hex.Encode(iv)} {c.Length}\n";
        }));
        var lines = (await ProcessRunner.RunAsync(Python, ["-c", ChaChaKeystream], standardInput: input)).EnsureSuccess()
            .StandardOutput.Split('\n');
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, nonce, counter, length) = cases[i];
            var words = new uint[8];
            ChaCha20.ExpandKey(key, words);
            var output = new byte[length];
            ChaCha20.Xor(words, nonce, counter, new byte[length], output);
            Assert.Equal(lines[i], Hex.Encode(output));
        }
    }

    [Fact]
    public async Task Seal_matches_a_replica_of_openssh_over_openssl()
    {
        var random = new Random(11);
        var cases = new List<(byte[] Key, uint Seq, byte[] Plaintext)>();
        foreach (var length in new[] { 4, 8, 16, 36, 64, 68, 100, 256, 260, 1000, 32768 + 16 })
        {
            var key = new byte[64];
            random.NextBytes(key);
            var plaintext = new byte[length];
            random.NextBytes(plaintext);
            BinaryPrimitives.WriteUInt32BigEndian(plaintext, (uint)(length - 4));
            cases.Add((key, (uint)random.Next() | (length % 2 == 0 ? 0x8000_0000u : 0), plaintext));
        }
        cases.Add((new byte[64], uint.MaxValue, new byte[20]));
        var input = string.Concat(cases.Select(c => $"{Hex.Encode(c.Key)} {c.Seq} {Hex.Encode(c.Plaintext)}\n"));
        var lines = (await ProcessRunner.RunAsync(Python, ["-c", OpenSshReplica], standardInput: input)).EnsureSuccess()
            .StandardOutput.Split('\n');
        for (var i = 0; i < cases.Count; i++)
        {
            var (key, seq, plaintext) = cases[i];
            using var cipher = new OpenSshChaCha20Poly1305(key);
            var sealedPacket = new byte[plaintext.Length + 16];
            cipher.Seal(seq, plaintext, sealedPacket);
            Assert.Equal(lines[i], Hex.Encode(sealedPacket));
        }
    }

    // Independent derivation inside .NET: BouncyCastle's ChaChaEngine (original 8-byte-nonce ChaCha20),
    // composed from the PROTOCOL.chacha20poly1305 text rather than from our class: one engine for K_1, one for
    // K_2 whose first 64 output bytes (block 0) give the Poly1305 key, so the payload starts at block 1.
    [Fact]
    public void Seal_matches_bouncycastle_composition()
    {
        var key = Enumerable.Range(0, 64).Select(i => (byte)(i * 7 + 3)).ToArray();
        const uint seq = 0x01020304;
        var plaintext = new byte[300];
        BinaryPrimitives.WriteUInt32BigEndian(plaintext, 296);
        for (var i = 4; i < plaintext.Length; i++)
        {
            plaintext[i] = (byte)i;
        }
        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, seq);

        var header = new ChaChaEngine(20);
        header.Init(true, new ParametersWithIV(new KeyParameter(key, 32, 32), nonce));
        var main = new ChaChaEngine(20);
        main.Init(true, new ParametersWithIV(new KeyParameter(key, 0, 32), nonce));
        var block0 = new byte[64];
        main.ProcessBytes(new byte[64], 0, 64, block0, 0);
        var expected = new byte[plaintext.Length + 16];
        header.ProcessBytes(plaintext, 0, 4, expected, 0);
        main.ProcessBytes(plaintext, 4, plaintext.Length - 4, expected, 4);
        var poly = new Poly1305();
        poly.Init(new KeyParameter(block0, 0, 32));
        poly.BlockUpdate(expected, 0, plaintext.Length);
        poly.DoFinal(expected, plaintext.Length);

        using var cipher = new OpenSshChaCha20Poly1305(key);
        var actual = new byte[expected.Length];
        cipher.Seal(seq, plaintext, actual);
        Assert.Equal(Hex.Encode(expected), Hex.Encode(actual));
    }

    [Fact]
    public void Round_trip_length_first_then_open()
    {
        var key = RandomNumberGenerator.GetBytes(64);
        using var sender = new OpenSshChaCha20Poly1305(key);
        using var receiver = new OpenSshChaCha20Poly1305(key);
        for (uint seq = 0; seq < 50; seq++)
        {
            var plaintext = RandomNumberGenerator.GetBytes(4 + (int)seq * 13);
            BinaryPrimitives.WriteUInt32BigEndian(plaintext, (uint)(plaintext.Length - 4));
            var wire = new byte[plaintext.Length + 16];
            sender.Seal(seq, plaintext, wire);

            var length = new byte[4];
            receiver.DecryptLength(seq, wire.AsSpan(0, 4), length);
            Assert.Equal(plaintext.Length - 4, (int)BinaryPrimitives.ReadUInt32BigEndian(length));
            var opened = new byte[plaintext.Length];
            Assert.True(receiver.Open(seq, wire, opened));
            Assert.Equal(plaintext, opened);
        }
    }

    [Fact]
    public void Tampering_or_a_wrong_sequence_number_fails_the_tag()
    {
        var key = RandomNumberGenerator.GetBytes(64);
        using var cipher = new OpenSshChaCha20Poly1305(key);
        var plaintext = RandomNumberGenerator.GetBytes(68);
        var wire = new byte[84];
        cipher.Seal(7, plaintext, wire);
        var output = new byte[68];
        for (var i = 0; i < wire.Length; i++)
        {
            var damaged = (byte[])wire.Clone();
            damaged[i] ^= 0x40;
            Assert.False(cipher.Open(7, damaged, output));
        }
        Assert.False(cipher.Open(8, wire, output));
        Assert.All(output, b => Assert.Equal(0, b));
        Assert.True(cipher.Open(7, wire, output));
    }
}
