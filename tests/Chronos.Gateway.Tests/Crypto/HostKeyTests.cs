using System.Security.Cryptography;
using System.Text;
using Chronos.Gateway.Ssh.Crypto;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Crypto;

/// <summary>Host keys against the real ssh-keygen and, for signatures, paramiko as an independent implementation.</summary>
public class HostKeyTests
{
    private const string Python = "/usr/bin/python3";

    // paramiko loads the key file we wrote and verifies our signature blob; prints OK or BAD.
    private const string ParamikoVerify = """
        import sys, paramiko
        from paramiko.message import Message
        path, data, sig = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
        errors = []
        for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
            try:
                key = cls.from_private_key_file(path)
                break
            except Exception as e:
                errors.append(repr(e))
        else:
            sys.exit("paramiko cannot load the key: " + "; ".join(errors))
        # paramiko 2.12's Ed25519Key loaded from a private file cannot verify; use the public half it read.
        public = type(key)(data=key.asbytes())
        print("OK" if public.verify_ssh_sig(data, Message(sig)) else "BAD")
        """;

    // paramiko loads a key ssh-keygen made and signs; prints public blob and signature blob as hex.
    private const string ParamikoSign = """
        import sys, paramiko
        path, data, alg = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
        errors = []
        for cls in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
            try:
                key = cls.from_private_key_file(path)
                break
            except Exception as e:
                errors.append(repr(e))
        else:
            sys.exit("paramiko cannot load the key: " + "; ".join(errors))
        sig = key.sign_ssh_data(data, alg) if isinstance(key, paramiko.RSAKey) else key.sign_ssh_data(data)
        print(key.asbytes().hex())
        print(sig.asbytes().hex())
        """;

    [Theory]
    [InlineData("ed25519", "ssh-ed25519")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
    [InlineData("rsa", "ssh-rsa")]
    public async Task Parses_ssh_keygen_keys_and_matches_its_fingerprint_and_public_key(string type, string algorithm)
    {
        using var dir = new TempDirectory();
        var path = dir.File("key");
        (await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "persona@host", "-f", path])).EnsureSuccess();

        var key = HostKey.ParseOpenSshPrivateKey(await File.ReadAllTextAsync(path));

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal("persona@host", key.Comment);
        var listing = (await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-E", "sha256", "-f", path])).EnsureSuccess().StandardOutput;
        Assert.Equal(listing.Split(' ')[1], key.Fingerprint);
        var publicLine = (await File.ReadAllTextAsync(path + ".pub")).Trim();
        Assert.Equal(publicLine, key.ToOpenSshPublicKey("persona@host"));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public async Task Generated_keys_are_accepted_by_ssh_keygen(string type)
    {
        using var dir = new TempDirectory();
        var key = HostKey.Generate(type);
        key.Comment = "root@web01";
        var path = dir.WritePrivate("key", key.ToOpenSshPrivateKey());

        var derived = (await ProcessRunner.RunAsync("ssh-keygen", ["-y", "-f", path])).EnsureSuccess().StandardOutput.Trim();
        Assert.Equal(key.ToOpenSshPublicKey("root@web01"), derived);
        var listing = (await ProcessRunner.RunAsync("ssh-keygen", ["-l", "-f", path])).EnsureSuccess().StandardOutput;
        Assert.Equal(key.Fingerprint, listing.Split(' ')[1]);
        if (type == "rsa")
        {
            Assert.StartsWith("3072 ", listing, StringComparison.Ordinal);
        }

        // Our own reader reads our writer's output back to the same key.
        var reread = HostKey.ParseOpenSshPrivateKey(await File.ReadAllTextAsync(path));
        Assert.Equal(key.PublicKeyBlob, reread.PublicKeyBlob);
        Assert.Equal("root@web01", reread.Comment);
    }

    [Theory]
    [InlineData("ed25519", "ssh-ed25519")]
    [InlineData("ecdsa", "ecdsa-sha2-nistp256")]
    [InlineData("rsa", "rsa-sha2-256")]
    [InlineData("rsa", "rsa-sha2-512")]
    public async Task Our_signatures_verify_in_paramiko_and_in_our_verifier(string type, string signatureAlgorithm)
    {
        using var dir = new TempDirectory();
        var key = HostKey.Generate(type);
        // A comment is needed for paramiko 2.12: with an empty comment and a private section that needs no
        // padding, its _unpad_openssh reads the final 0 of the comment length as "0 bytes of padding" and
        // slices data[:-0], i.e. nothing. ssh-keygen writes such files too; the bug is paramiko's.
        key.Comment = "chronos-test";
        var path = dir.WritePrivate("key", key.ToOpenSshPrivateKey());
        var data = RandomNumberGenerator.GetBytes(64);
        var signature = key.Sign(signatureAlgorithm, data);

        var result = (await ProcessRunner.RunAsync(Python, ["-c", ParamikoVerify, path, Hex.Encode(data), Hex.Encode(signature)])).EnsureSuccess();
        Assert.Equal("OK", result.StandardOutput.Trim());
        Assert.True(SignatureVerifier.Verify(key.PublicKeyBlob, signature, data));

        // Tampered data must fail in both.
        data[0] ^= 1;
        result = (await ProcessRunner.RunAsync(Python, ["-c", ParamikoVerify, path, Hex.Encode(data), Hex.Encode(signature)])).EnsureSuccess();
        Assert.Equal("BAD", result.StandardOutput.Trim());
        Assert.False(SignatureVerifier.Verify(key.PublicKeyBlob, signature, data));
    }

    [Theory]
    [InlineData("ed25519", "", "ssh-ed25519")]
    [InlineData("ecdsa", "256", "ecdsa-sha2-nistp256")]
    [InlineData("ecdsa", "384", "ecdsa-sha2-nistp384")]
    [InlineData("ecdsa", "521", "ecdsa-sha2-nistp521")]
    [InlineData("rsa", "2048", "rsa-sha2-256")]
    [InlineData("rsa", "2048", "rsa-sha2-512")]
    [InlineData("rsa", "2048", "ssh-rsa")]
    public async Task Verifies_client_signatures_made_by_paramiko(string type, string bits, string signatureAlgorithm)
    {
        using var dir = new TempDirectory();
        var path = dir.File("key");
        var args = new List<string> { "-q", "-t", type, "-N", "", "-f", path };
        if (bits.Length > 0)
        {
            args.AddRange(["-b", bits]);
        }
        (await ProcessRunner.RunAsync("ssh-keygen", args)).EnsureSuccess();
        var data = Encoding.ASCII.GetBytes("session id and userauth request stand-in");

        var lines = (await ProcessRunner.RunAsync(Python, ["-c", ParamikoSign, path, Hex.Encode(data), signatureAlgorithm]))
            .EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var blob = Hex.Decode(lines[0]);
        var signature = Hex.Decode(lines[1]);

        Assert.True(SignatureVerifier.Verify(blob, signature, data));
        Assert.False(SignatureVerifier.Verify(blob, signature, Encoding.ASCII.GetBytes("other data")));
        var truncated = signature[..^1];
        Assert.False(SignatureVerifier.Verify(blob, truncated, data));
    }

    [Fact]
    public void Verifier_rejects_a_signature_algorithm_that_does_not_match_the_key()
    {
        var ed = HostKey.Generate("ed25519");
        var ecdsa = HostKey.Generate("ecdsa");
        var data = "x"u8.ToArray();
        Assert.False(SignatureVerifier.Verify(ecdsa.PublicKeyBlob, ed.Sign("ssh-ed25519", data), data));
        Assert.False(SignatureVerifier.Verify(ed.PublicKeyBlob, ecdsa.Sign("ecdsa-sha2-nistp256", data), data));
        Assert.Throws<ArgumentException>(() => ed.Sign("rsa-sha2-256", data));
    }

    [Fact]
    public void Ed25519_signature_matches_rfc8032_test_1()
    {
        // RFC 8032 §7.1 TEST 1: empty message.
        var key = new Ed25519HostKey(Hex.Decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Hex.Encode(key.PublicKey));
        var blob = key.Sign("ssh-ed25519", ReadOnlySpan<byte>.Empty);
        Assert.EndsWith(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Hex.Encode(blob), StringComparison.Ordinal);
    }
}
