using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>An ssh-ed25519 host key (RFC 8709); .NET has no Ed25519, so BouncyCastle signs.</summary>
public sealed class Ed25519HostKey : HostKey
{
    private static readonly string[] Algorithms = [SshKeyAlgorithms.Ed25519];
    private readonly Ed25519PrivateKeyParameters privateKey;
    private readonly byte[] publicKey;
    private readonly byte[] blob;

    /// <summary>Creates the key from its 32-byte seed (RFC 8032's private key).</summary>
    public Ed25519HostKey(ReadOnlySpan<byte> seed32)
    {
        if (seed32.Length != 32)
        {
            throw new ArgumentException("Ed25519 seed must be 32 bytes", nameof(seed32));
        }
        privateKey = new Ed25519PrivateKeyParameters(seed32);
        publicKey = privateKey.GeneratePublicKey().GetEncoded();
        var writer = new SshWireWriter();
        writer.WriteString(SshKeyAlgorithms.Ed25519);
        writer.WriteString(publicKey);
        blob = writer.ToArray();
    }

    public static Ed25519HostKey Generate()
    {
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        var key = new Ed25519HostKey(seed);
        CryptographicOperations.ZeroMemory(seed);
        return key;
    }

    public override string Algorithm => SshKeyAlgorithms.Ed25519;

    public override IReadOnlyList<string> SignatureAlgorithms => Algorithms;

    public override byte[] PublicKeyBlob => blob;

    /// <summary>The raw 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => publicKey;

    protected override byte[] SignRaw(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        var signature = new byte[64];
        var message = data.ToArray();
        privateKey.Sign(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, signature, 0);
        return signature;
    }

    // openssh-key-v1: string pubkey(32), string (seed(32) || pubkey(32)).
    internal override void WritePrivateFields(SshWireWriter writer)
    {
        writer.WriteString(publicKey);
        var both = new byte[64];
        privateKey.Encode(both, 0);
        publicKey.CopyTo(both, 32);
        writer.WriteString(both);
        CryptographicOperations.ZeroMemory(both);
    }

    internal static Ed25519HostKey ReadPrivateFields(ref SshWireReader reader)
    {
        var pub = reader.ReadString();
        var both = reader.ReadString();
        if (pub.Length != 32 || both.Length != 64)
        {
            throw new SshKeyFormatException("ed25519 key has wrong field lengths");
        }
        var key = new Ed25519HostKey(both[..32]);
        if (!key.publicKey.AsSpan().SequenceEqual(pub) || !both[32..].SequenceEqual(pub))
        {
            throw new SshKeyFormatException("ed25519 public key does not match its private key");
        }
        return key;
    }
}
