using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>An ecdsa-sha2-nistp256/384/521 host key (RFC 5656 §3), signing with .NET's ECDsa.</summary>
public sealed class EcdsaHostKey : HostKey
{
    private readonly ECDsa key;
    private readonly EcdsaCurve curve;
    private readonly string[] algorithms;
    private readonly byte[] blob;
    private readonly byte[] point;

    private EcdsaHostKey(ECDsa key, EcdsaCurve curve)
    {
        this.key = key;
        this.curve = curve;
        algorithms = [curve.KeyType];
        var parameters = key.ExportParameters(false);
        point = EcdsaCurve.EncodePoint(parameters.Q, curve.FieldBytes);
        var writer = new SshWireWriter();
        writer.WriteString(curve.KeyType);
        writer.WriteString(curve.Identifier);
        writer.WriteString(point);
        blob = writer.ToArray();
    }

    public static EcdsaHostKey Generate(ECCurve namedCurve)
    {
        var curve = EcdsaCurve.FromNamedCurve(namedCurve);
        return new EcdsaHostKey(ECDsa.Create(curve.Curve), curve);
    }

    /// <summary>Creates the key from its private scalar; the public point is derived, so the pair is always consistent.</summary>
    public static EcdsaHostKey FromPrivateScalar(string keyType, ReadOnlySpan<byte> scalar)
    {
        var curve = EcdsaCurve.FromKeyType(keyType) ?? throw new SshKeyFormatException($"unknown ECDSA key type {keyType}");
        var magnitude = SshMpint.TrimLeadingZeros(scalar);
        if (magnitude.Length == 0 || magnitude.Length > curve.FieldBytes)
        {
            throw new SshKeyFormatException("ECDSA private scalar out of range");
        }
        var d = new byte[curve.FieldBytes];
        magnitude.CopyTo(d.AsSpan(curve.FieldBytes - magnitude.Length));
        try
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportParameters(new ECParameters { Curve = curve.Curve, D = d });
            return new EcdsaHostKey(ecdsa, curve);
        }
        catch (CryptographicException e)
        {
            throw new SshKeyFormatException("ECDSA private scalar is invalid", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    public override string Algorithm => curve.KeyType;

    public override IReadOnlyList<string> SignatureAlgorithms => algorithms;

    public override byte[] PublicKeyBlob => blob;

    // RFC 5656 §3.1.2: string(mpint r || mpint s), hash chosen by the curve size.
    protected override byte[] SignRaw(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        Span<byte> rs = stackalloc byte[2 * curve.FieldBytes];
        var written = key.SignData(data, rs, curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var writer = new SshWireWriter();
        writer.WriteMpint(rs[..(written / 2)]);
        writer.WriteMpint(rs[(written / 2)..written]);
        return writer.ToArray();
    }

    // openssh-key-v1: string curve identifier, string Q, mpint d.
    internal override void WritePrivateFields(SshWireWriter writer)
    {
        var parameters = key.ExportParameters(true);
        writer.WriteString(curve.Identifier);
        writer.WriteString(point);
        writer.WriteMpint(parameters.D);
        CryptographicOperations.ZeroMemory(parameters.D);
    }

    internal static EcdsaHostKey ReadPrivateFields(string keyType, ref SshWireReader reader)
    {
        var curve = EcdsaCurve.FromKeyType(keyType) ?? throw new SshKeyFormatException($"unknown ECDSA key type {keyType}");
        if (reader.ReadAsciiString() != curve.Identifier)
        {
            throw new SshKeyFormatException("ECDSA curve identifier does not match the key type");
        }
        var q = reader.ReadString();
        var d = reader.ReadPositiveMpint();
        var result = FromPrivateScalar(keyType, d);
        if (!result.point.AsSpan().SequenceEqual(q))
        {
            throw new SshKeyFormatException("ECDSA public point does not match its private scalar");
        }
        return result;
    }
}
