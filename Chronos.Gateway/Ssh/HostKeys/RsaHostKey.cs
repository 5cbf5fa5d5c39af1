using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>ssh-rsa keys signing as rsa-sha2-512 / rsa-sha2-256 (RFC 8332); 3072 bits as ssh-keygen -A makes them.</summary>
internal sealed class RsaHostKey : ISshHostKey, IDisposable
{
    private readonly RSA _key;

    public RsaHostKey(RSA key)
    {
        _key = key;
        var p = key.ExportParameters(false);
        PublicKeyBlob = new SshWriter(420).WriteString("ssh-rsa").WriteMPInt(p.Exponent).WriteMPInt(p.Modulus).ToArray();
    }

    public static RsaHostKey Generate() => new(RSA.Create(3072));

    public string KeyType => "ssh-rsa";

    public IReadOnlyList<string> SignatureAlgorithms { get; } = ["rsa-sha2-512", "rsa-sha2-256"];

    public byte[] PublicKeyBlob { get; }

    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        var hash = signatureAlgorithm switch
        {
            "rsa-sha2-512" => HashAlgorithmName.SHA512,
            "rsa-sha2-256" => HashAlgorithmName.SHA256,
            _ => throw new ArgumentException($"RSA host key cannot sign as {signatureAlgorithm}", nameof(signatureAlgorithm)),
        };
        var signature = _key.SignData(data.ToArray(), hash, RSASignaturePadding.Pkcs1);
        return new SshWriter(signature.Length + 24).WriteString(signatureAlgorithm).WriteString(signature).ToArray();
    }

    public string ToOpenSshPrivateKey()
    {
        var p = _key.ExportParameters(true);
        var privateSection = new SshWriter(1800).WriteString("ssh-rsa").WriteMPInt(p.Modulus).WriteMPInt(p.Exponent)
            .WriteMPInt(p.D).WriteMPInt(p.InverseQ).WriteMPInt(p.P).WriteMPInt(p.Q);
        return OpenSshKeyFile.Write(PublicKeyBlob, privateSection);
    }

    public void Dispose() => _key.Dispose();
}
