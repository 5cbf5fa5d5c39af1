using System.Numerics;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// An ssh-rsa host key. It signs rsa-sha2-512 and rsa-sha2-256 (RFC 8332), and, only when asked by name,
/// the SHA-1 ssh-rsa that OpenSSH 8.8+ no longer offers for host keys.
/// </summary>
public sealed class RsaHostKey : HostKey
{
    private static readonly string[] Algorithms = [SshKeyAlgorithms.RsaSha512, SshKeyAlgorithms.RsaSha256];
    private readonly RSA key;
    private readonly byte[] blob;

    private RsaHostKey(RSA key)
    {
        this.key = key;
        var parameters = key.ExportParameters(false);
        var writer = new SshWireWriter();
        writer.WriteString(SshKeyAlgorithms.SshRsa);
        writer.WriteMpint(parameters.Exponent);
        writer.WriteMpint(parameters.Modulus);
        blob = writer.ToArray();
    }

    public static RsaHostKey Generate(int bits) => new(RSA.Create(bits));

    public override string Algorithm => SshKeyAlgorithms.SshRsa;

    public override IReadOnlyList<string> SignatureAlgorithms => Algorithms;

    public override byte[] PublicKeyBlob => blob;

    public int KeySize => key.KeySize;

    // RFC 8332 §3: the signature is the PKCS#1 v1.5 signature, as long as the modulus.
    protected override byte[] SignRaw(string signatureAlgorithm, ReadOnlySpan<byte> data) =>
        key.SignData(data.ToArray(), HashFor(signatureAlgorithm), RSASignaturePadding.Pkcs1);

    internal static HashAlgorithmName HashFor(string signatureAlgorithm) => signatureAlgorithm switch
    {
        SshKeyAlgorithms.RsaSha512 => HashAlgorithmName.SHA512,
        SshKeyAlgorithms.RsaSha256 => HashAlgorithmName.SHA256,
        SshKeyAlgorithms.SshRsa => HashAlgorithmName.SHA1,
        _ => throw new ArgumentException($"not an RSA signature algorithm: {signatureAlgorithm}", nameof(signatureAlgorithm)),
    };

    // openssh-key-v1: mpint n, mpint e, mpint d, mpint iqmp, mpint p, mpint q.
    internal override void WritePrivateFields(SshWireWriter writer)
    {
        var p = key.ExportParameters(true);
        writer.WriteMpint(p.Modulus);
        writer.WriteMpint(p.Exponent);
        writer.WriteMpint(p.D);
        writer.WriteMpint(p.InverseQ);
        writer.WriteMpint(p.P);
        writer.WriteMpint(p.Q);
        CryptographicOperations.ZeroMemory(p.D);
        CryptographicOperations.ZeroMemory(p.P);
        CryptographicOperations.ZeroMemory(p.Q);
        CryptographicOperations.ZeroMemory(p.DP);
        CryptographicOperations.ZeroMemory(p.DQ);
    }

    internal static RsaHostKey ReadPrivateFields(ref SshWireReader reader)
    {
        var n = reader.ReadPositiveMpintAsBigInteger();
        var e = reader.ReadPositiveMpintAsBigInteger();
        var d = reader.ReadPositiveMpintAsBigInteger();
        var iqmp = reader.ReadPositiveMpintAsBigInteger();
        var p = reader.ReadPositiveMpintAsBigInteger();
        var q = reader.ReadPositiveMpintAsBigInteger();
        var bits = n.IsZero ? 0 : (int)n.GetBitLength();
        // OpenSSH refuses RSA keys below 1024 bits (SSH_RSA_MINIMUM_MODULUS_SIZE) and above 16384.
        if (bits is < 1024 or > 16384 || p <= 1 || q <= 1 || p * q != n || e <= 1 || d <= 1)
        {
            throw new SshKeyFormatException("RSA key parameters are inconsistent");
        }
        var modulusBytes = (bits + 7) / 8;
        var halfBytes = (modulusBytes + 1) / 2;
        var parameters = new RSAParameters
        {
            Modulus = Fixed(n, modulusBytes),
            Exponent = Fixed(e, (int)((e.GetBitLength() + 7) / 8)),
            D = Fixed(d, modulusBytes),
            P = Fixed(p, halfBytes),
            Q = Fixed(q, halfBytes),
            DP = Fixed(d % (p - 1), halfBytes),
            DQ = Fixed(d % (q - 1), halfBytes),
            InverseQ = Fixed(iqmp, halfBytes),
        };
        try
        {
            var rsa = RSA.Create();
            rsa.ImportParameters(parameters);
            return new RsaHostKey(rsa);
        }
        catch (CryptographicException ex)
        {
            throw new SshKeyFormatException("RSA key rejected", ex);
        }
    }

    private static byte[] Fixed(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > length)
        {
            throw new SshKeyFormatException("RSA parameter longer than the modulus allows");
        }
        var result = new byte[length];
        bytes.CopyTo(result, length - bytes.Length);
        return result;
    }
}
