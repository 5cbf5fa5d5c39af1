using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>ssh-ed25519 (RFC 8709): 32-byte seed, 32-byte public key.</summary>
internal sealed class Ed25519HostKey : ISshHostKey
{
    private readonly Ed25519PrivateKeyParameters _private;
    private readonly byte[] _public;

    public Ed25519HostKey(ReadOnlySpan<byte> seed)
    {
        _private = new Ed25519PrivateKeyParameters(seed.ToArray());
        _public = _private.GeneratePublicKey().GetEncoded();
        PublicKeyBlob = new SshWriter(51).WriteString("ssh-ed25519").WriteString(_public).ToArray();
    }

    public static Ed25519HostKey Generate()
    {
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        return new Ed25519HostKey(seed);
    }

    public string KeyType => "ssh-ed25519";

    public IReadOnlyList<string> SignatureAlgorithms { get; } = ["ssh-ed25519"];

    public byte[] PublicKeyBlob { get; }

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private);
        signer.BlockUpdate(data.ToArray(), 0, data.Length);
        return new SshWriter(83).WriteString("ssh-ed25519").WriteString(signer.GenerateSignature()).ToArray();
    }

    public string ToOpenSshPrivateKey()
    {
        var seed = _private.GetEncoded();
        var privateSection = new SshWriter(160).WriteString("ssh-ed25519").WriteString(_public)
            .WriteString([.. seed, .. _public]);
        return OpenSshKeyFile.Write(PublicKeyBlob, privateSection);
    }
}
