using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// Verifies a client's public-key authentication signature (RFC 4252 §7): ssh-ed25519,
/// ecdsa-sha2-nistp256/384/521, and RSA keys with rsa-sha2-256, rsa-sha2-512 or the SHA-1 ssh-rsa.
/// </summary>
/// <remarks>
/// Every malformed blob, unknown type, key/signature mismatch or too-small RSA key (below OpenSSH's
/// 1024-bit minimum) is simply "not verified": the caller answers USERAUTH_FAILURE either way, and a
/// hostile client must not be able to tell a parse error from a bad signature.
/// </remarks>
public static class SignatureVerifier
{
    public static bool Verify(ReadOnlySpan<byte> publicKeyBlob, ReadOnlySpan<byte> signatureBlob, ReadOnlySpan<byte> data)
    {
        try
        {
            var key = new SshWireReader(publicKeyBlob);
            var keyType = key.ReadAsciiString();
            var sig = new SshWireReader(signatureBlob);
            var signatureAlgorithm = sig.ReadAsciiString();
            var signature = sig.ReadString();
            sig.ExpectEnd();
            return keyType switch
            {
                SshKeyAlgorithms.Ed25519 when signatureAlgorithm == keyType => VerifyEd25519(ref key, signature, data),
                SshKeyAlgorithms.EcdsaNistp256 or SshKeyAlgorithms.EcdsaNistp384 or SshKeyAlgorithms.EcdsaNistp521
                    when signatureAlgorithm == keyType => VerifyEcdsa(keyType, ref key, signature, data),
                SshKeyAlgorithms.SshRsa when signatureAlgorithm is SshKeyAlgorithms.RsaSha256 or SshKeyAlgorithms.RsaSha512 or SshKeyAlgorithms.SshRsa
                    => VerifyRsa(signatureAlgorithm, ref key, signature, data),
                _ => false,
            };
        }
        catch (SshKeyFormatException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false; // BouncyCastle rejects malformed encodings with ArgumentException.
        }
    }

    private static bool VerifyEd25519(ref SshWireReader key, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data)
    {
        var publicKey = key.ReadString();
        key.ExpectEnd();
        if (publicKey.Length != 32 || signature.Length != 64)
        {
            return false;
        }
        var parameters = new Ed25519PublicKeyParameters(publicKey);
        var message = data.ToArray();
        return parameters.Verify(Org.BouncyCastle.Math.EC.Rfc8032.Ed25519.Algorithm.Ed25519, null, message, 0, message.Length, signature.ToArray(), 0);
    }

    private static bool VerifyEcdsa(string keyType, ref SshWireReader key, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data)
    {
        var curve = EcdsaCurve.FromKeyType(keyType)!;
        if (key.ReadAsciiString() != curve.Identifier)
        {
            return false;
        }
        var q = curve.DecodePoint(key.ReadString());
        key.ExpectEnd();
        if (q is null)
        {
            return false;
        }
        var sig = new SshWireReader(signature);
        var r = sig.ReadPositiveMpint();
        var s = sig.ReadPositiveMpint();
        sig.ExpectEnd();
        if (r.IsEmpty || s.IsEmpty || r.Length > curve.FieldBytes || s.Length > curve.FieldBytes)
        {
            return false;
        }
        Span<byte> rs = stackalloc byte[2 * curve.FieldBytes];
        r.CopyTo(rs[(curve.FieldBytes - r.Length)..]);
        s.CopyTo(rs[(2 * curve.FieldBytes - s.Length)..]);
        // ImportParameters rejects points that are not on the curve (CryptographicException → false).
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = curve.Curve, Q = q.Value });
        return ecdsa.VerifyData(data, rs, curve.Hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static bool VerifyRsa(string signatureAlgorithm, ref SshWireReader key, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> data)
    {
        var e = key.ReadPositiveMpint();
        var n = key.ReadPositiveMpint();
        key.ExpectEnd();
        var bits = n.IsEmpty ? 0 : (n.Length * 8) - System.Numerics.BitOperations.LeadingZeroCount((uint)n[0]) + 24;
        if (bits is < 1024 or > 16384 || e.IsEmpty || e.Length > 8)
        {
            return false;
        }
        // OpenSSH accepts a signature shorter than the modulus and left-pads it with zeros (ssh-rsa.c).
        if (signature.Length > n.Length || signature.IsEmpty)
        {
            return false;
        }
        var padded = new byte[n.Length];
        signature.CopyTo(padded.AsSpan(n.Length - signature.Length));
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = n.ToArray(), Exponent = e.ToArray() });
        return rsa.VerifyData(data, padded, RsaHostKey.HashFor(signatureAlgorithm), RSASignaturePadding.Pkcs1);
    }
}
