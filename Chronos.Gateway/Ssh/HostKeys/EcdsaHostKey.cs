using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>ecdsa-sha2-nistp256 (RFC 5656 §3): blob = type, curve identifier, uncompressed point; signature = mpint r, mpint s.</summary>
internal sealed class EcdsaHostKey : ISshHostKey, IDisposable
{
    private readonly ECDsa _key;

    public EcdsaHostKey(ECDsa key)
    {
        _key = key;
        var p = key.ExportParameters(false);
        PublicKeyBlob = new SshWriter(104).WriteString("ecdsa-sha2-nistp256").WriteString("nistp256")
            .WriteString([0x04, .. p.Q.X!, .. p.Q.Y!]).ToArray();
    }

    public static EcdsaHostKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string KeyType => "ecdsa-sha2-nistp256";

    public IReadOnlyList<string> SignatureAlgorithms { get; } = ["ecdsa-sha2-nistp256"];

    public byte[] PublicKeyBlob { get; }

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        var rs = _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var inner = new SshWriter(72).WriteMPInt(rs.AsSpan(0, 32)).WriteMPInt(rs.AsSpan(32)).ToArray();
        return new SshWriter(110).WriteString("ecdsa-sha2-nistp256").WriteString(inner).ToArray();
    }

    public string ToOpenSshPrivateKey()
    {
        var p = _key.ExportParameters(true);
        var privateSection = new SshWriter(160).WriteString("ecdsa-sha2-nistp256").WriteString("nistp256")
            .WriteString([0x04, .. p.Q.X!, .. p.Q.Y!]).WriteMPInt(p.D);
        return OpenSshKeyFile.Write(PublicKeyBlob, privateSection);
    }

    public void Dispose() => _key.Dispose();
}
