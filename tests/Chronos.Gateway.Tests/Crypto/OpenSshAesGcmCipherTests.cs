using System.Buffers.Binary;
using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

public class OpenSshAesGcmCipherTests
{
    // OpenSSH's GCM packet protection replayed with OpenSSL's AES-GCM (python3-cryptography): per packet the
    // nonce is fixed(4) || counter(8, big-endian), AAD = the 4-byte length, counter += 1 afterwards.
    private const string OpenSshReplica = """
        import sys
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        key, iv = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2])
        fixed, counter = iv[:4], int.from_bytes(iv[4:], "big")
        gcm = AESGCM(key)
        for line in sys.stdin:
            packet = bytes.fromhex(line.strip())
            nonce = fixed + counter.to_bytes(8, "big")
            print((packet[:4] + gcm.encrypt(nonce, packet[4:], packet[:4])).hex())
            counter = (counter + 1) % (1 << 64)
        """;

    // The GCM paper's (McGrew & Viega) / NIST test case 4, via the underlying AesGcm: pins the tag layout and
    // AAD semantics the class relies on (ciphertext || tag, AAD authenticated but not encrypted).
    [Fact]
    public void Gcm_spec_test_case_4()
    {
        using var gcm = new AesGcm(Hex.Decode("feffe9928665731c6d6a8f9467308308"), 16);
        var plaintext = Hex.Decode(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        gcm.Encrypt(Hex.Decode("cafebabefacedbaddecaf888"), plaintext, ciphertext, tag, Hex.Decode("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
        Assert.Equal(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            Hex.Encode(ciphertext));
        Assert.Equal("5bc94fbc3221a5db94fae95ae7121a47", Hex.Encode(tag));
    }

    [Theory]
    [InlineData(16, "000102030000000000000000")]
    // The invocation counter wraps modulo 2^64 without touching the fixed field.
    [InlineData(32, "0a0b0c0dfffffffffffffffe")]
    public async Task Packets_match_a_replica_of_openssh_over_openssl(int keyBytes, string iv)
    {
        var key = RandomNumberGenerator.GetBytes(keyBytes);
        var packets = Enumerable.Range(0, 5).Select(i =>
        {
            var packet = RandomNumberGenerator.GetBytes(16 * (i + 1) + 4);
            BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(packet.Length - 4));
            return packet;
        }).ToList();
        var lines = (await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", OpenSshReplica, Hex.Encode(key), iv],
            standardInput: string.Concat(packets.Select(p => Hex.Encode(p) + "\n")))).EnsureSuccess().StandardOutput.Split('\n');

        using var sender = new OpenSshAesGcmCipher(key, Hex.Decode(iv));
        using var receiver = new OpenSshAesGcmCipher(key, Hex.Decode(iv));
        for (var i = 0; i < packets.Count; i++)
        {
            var wire = new byte[packets[i].Length + 16];
            sender.Seal(packets[i], wire);
            Assert.Equal(lines[i], Hex.Encode(wire));
            var opened = new byte[packets[i].Length];
            Assert.True(receiver.Open(wire, opened));
            Assert.Equal(packets[i], opened);
        }
        Assert.Equal(iv[..8], Hex.Encode(sender.NextNonce)[..8]);
    }

    [Fact]
    public void Tampering_with_length_ciphertext_or_tag_fails()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(12);
        using var sender = new OpenSshAesGcmCipher(key, iv);
        var packet = RandomNumberGenerator.GetBytes(36);
        var wire = new byte[52];
        sender.Seal(packet, wire);
        var output = new byte[36];
        for (var i = 0; i < wire.Length; i++)
        {
            using var receiver = new OpenSshAesGcmCipher(key, iv);
            var damaged = (byte[])wire.Clone();
            damaged[i] ^= 1;
            Assert.False(receiver.Open(damaged, output));
            Assert.True(receiver.Open(wire, output)); // a failed packet does not advance the counter
        }
        // Out of order (counter mismatch) fails too.
        using var late = new OpenSshAesGcmCipher(key, iv);
        late.Seal(packet, new byte[52]);
        Assert.False(late.Open(wire, output));
    }
}
