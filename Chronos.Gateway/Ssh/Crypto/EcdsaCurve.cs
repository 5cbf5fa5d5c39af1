using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>The three RFC 5656 curves: wire names, field size and the hash each one signs with.</summary>
internal sealed record EcdsaCurve(string KeyType, string Identifier, ECCurve Curve, int FieldBytes, HashAlgorithmName Hash)
{
    public static readonly EcdsaCurve P256 = new(SshKeyAlgorithms.EcdsaNistp256, "nistp256", ECCurve.NamedCurves.nistP256, 32, HashAlgorithmName.SHA256);
    public static readonly EcdsaCurve P384 = new(SshKeyAlgorithms.EcdsaNistp384, "nistp384", ECCurve.NamedCurves.nistP384, 48, HashAlgorithmName.SHA384);
    public static readonly EcdsaCurve P521 = new(SshKeyAlgorithms.EcdsaNistp521, "nistp521", ECCurve.NamedCurves.nistP521, 66, HashAlgorithmName.SHA512);

    public static EcdsaCurve? FromKeyType(string keyType) => keyType switch
    {
        SshKeyAlgorithms.EcdsaNistp256 => P256,
        SshKeyAlgorithms.EcdsaNistp384 => P384,
        SshKeyAlgorithms.EcdsaNistp521 => P521,
        _ => null,
    };

    public static EcdsaCurve FromNamedCurve(ECCurve curve) => curve.Oid.Value switch
    {
        "1.2.840.10045.3.1.7" => P256,
        "1.3.132.0.34" => P384,
        "1.3.132.0.35" => P521,
        _ => throw new ArgumentException("unsupported curve", nameof(curve)),
    };

    /// <summary>SEC1 uncompressed point: 0x04 || X || Y, each coordinate left-padded to the field size.</summary>
    public static byte[] EncodePoint(ECPoint q, int fieldBytes)
    {
        var result = new byte[1 + 2 * fieldBytes];
        result[0] = 4;
        q.X!.CopyTo(result.AsSpan(1 + fieldBytes - q.X!.Length));
        q.Y!.CopyTo(result.AsSpan(1 + 2 * fieldBytes - q.Y!.Length));
        return result;
    }

    /// <summary>Parses an uncompressed point; null when the encoding is wrong (the curve check happens on import).</summary>
    public ECPoint? DecodePoint(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 1 + 2 * FieldBytes || encoded[0] != 4)
        {
            return null;
        }
        return new ECPoint
        {
            X = encoded.Slice(1, FieldBytes).ToArray(),
            Y = encoded.Slice(1 + FieldBytes, FieldBytes).ToArray(),
        };
    }
}
