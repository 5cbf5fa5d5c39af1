using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Tests.Crypto;

/// <summary>The key file parser and the verifier under random and damaged input: typed errors, never a crash.</summary>
public class HostKeyFuzzTests
{
    private static readonly string[] Types = ["ed25519", "ecdsa", "rsa"];

    public static TheoryData<string> KeyTypes() => new(Types);

    [Theory]
    [MemberData(nameof(KeyTypes))]
    public void Truncated_and_bit_flipped_key_files_throw_a_typed_exception(string type)
    {
        var key = HostKey.Generate(type);
        var pem = key.ToOpenSshPrivateKey();
        var binary = Convert.FromBase64String(string.Concat(pem.Split('\n').Skip(1).SkipLast(2)));
        var random = new Random(1234);

        for (var length = 0; length < binary.Length; length += Math.Max(1, binary.Length / 200))
        {
            AssertRejectedOrValid(Armour(binary.AsSpan(0, length)));
        }
        for (var i = 0; i < 1500; i++)
        {
            var damaged = (byte[])binary.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                damaged[random.Next(damaged.Length)] ^= (byte)(1 << random.Next(8));
            }
            AssertRejectedOrValid(Armour(damaged));
        }
    }

    [Fact]
    public void Random_bytes_and_text_throw_a_typed_exception()
    {
        var random = new Random(99);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 600)];
            random.NextBytes(bytes);
            if (i % 2 == 0 && bytes.Length > 15)
            {
                "openssh-key-v1\0"u8.CopyTo(bytes);
            }
            Assert.Throws<SshKeyFormatException>(() => HostKey.ParseOpenSshPrivateKey(Armour(bytes)));
        }
        Assert.Throws<SshKeyFormatException>(() => HostKey.ParseOpenSshPrivateKey("not a key"));
        Assert.Throws<SshKeyFormatException>(() => HostKey.ParseOpenSshPrivateKey(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----\n"));
    }

    [Fact]
    public void Verifier_returns_false_for_random_blobs()
    {
        var random = new Random(7);
        var key = HostKey.Generate("ecdsa");
        var data = "data"u8.ToArray();
        var good = key.Sign("ecdsa-sha2-nistp256", data);
        for (var i = 0; i < 3000; i++)
        {
            var blob = (byte[])key.PublicKeyBlob.Clone();
            var sig = (byte[])good.Clone();
            var target = i % 2 == 0 ? blob : sig;
            target[random.Next(target.Length)] ^= (byte)(1 << random.Next(8));
            Assert.False(SignatureVerifier.Verify(blob, sig, data));
            var noise = new byte[random.Next(0, 200)];
            random.NextBytes(noise);
            Assert.False(SignatureVerifier.Verify(noise, sig, data));
            Assert.False(SignatureVerifier.Verify(blob, noise, data));
        }
    }

    private static void AssertRejectedOrValid(string pem)
    {
        try
        {
            var parsed = HostKey.ParseOpenSshPrivateKey(pem);
            // A flip in the comment or check integers pair can still be a valid key: it must then be usable.
            Assert.True(SignatureVerifier.Verify(parsed.PublicKeyBlob, parsed.Sign(parsed.SignatureAlgorithms[0], "x"u8), "x"u8));
        }
        catch (SshKeyFormatException)
        {
        }
    }

    private static string Armour(ReadOnlySpan<byte> binary) =>
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Convert.ToBase64String(binary) + "\n-----END OPENSSH PRIVATE KEY-----\n";

    [Fact]
    public void Generated_keys_differ()
    {
        Assert.NotEqual(HostKey.Generate("ed25519").PublicKeyBlob, HostKey.Generate("ed25519").PublicKeyBlob);
        Assert.False(CryptographicOperations.FixedTimeEquals(HostKey.Generate("ecdsa").PublicKeyBlob, HostKey.Generate("ecdsa").PublicKeyBlob));
    }
}
