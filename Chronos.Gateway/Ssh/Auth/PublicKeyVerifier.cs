using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Chronos.Gateway.Ssh.Auth;

/// <summary>
/// Verifies a client's publickey signature (RFC 4252 §7) for the key types clients use:
/// ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa keys signing as rsa-sha2-256/512 (and
/// legacy ssh-rsa, which sshd 9.x refuses by default: refused here too).
/// </summary>
internal static class PublicKeyVerifier
{
    public static bool IsSupported(string algorithm) => algorithm is "ssh-ed25519" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384"
        or "ecdsa-sha2-nistp521" or "rsa-sha2-256" or "rsa-sha2-512";

    public static string Fingerprint(ReadOnlySpan<byte> publicKeyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyBlob)).TrimEnd('=');

    public static bool Verify(string algorithm, ReadOnlySpan<byte> publicKeyBlob, ReadOnlySpan<byte> signatureBlob, ReadOnlySpan<byte> data)
    {
        try
        {
            var key = new SshReader(publicKeyBlob);
            var keyType = key.ReadAsciiString();
            var sig = new SshReader(signatureBlob);
            var sigAlgorithm = sig.ReadAsciiString();
            var signature = sig.ReadString();
            if (sigAlgorithm != algorithm)
            {
                return false;
            }
            switch (algorithm)
            {
                case "ssh-ed25519" when keyType == "ssh-ed25519":
                    {
                        var publicKey = key.ReadString();
                        if (publicKey.Length != 32 || signature.Length != 64)
                        {
                            return false;
                        }
                        var verifier = new Ed25519Signer();
                        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
                        verifier.BlockUpdate(data);
                        return verifier.VerifySignature(signature.ToArray());
                    }
                case "rsa-sha2-256" or "rsa-sha2-512" when keyType == "ssh-rsa":
                    {
                        var e = key.ReadMPIntMagnitude().ToArray();
                        var n = key.ReadMPIntMagnitude().ToArray();
                        using var rsa = RSA.Create(new RSAParameters { Exponent = e, Modulus = n });
                        var hash = algorithm == "rsa-sha2-256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512;
                        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
                    }
                case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521" when keyType == algorithm:
                    {
                        var (curve, hash, size) = algorithm switch
                        {
                            "ecdsa-sha2-nistp256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, 32),
                            "ecdsa-sha2-nistp384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, 48),
                            _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512, 66),
                        };
                        key.ReadString();
                        var q = key.ReadString();
                        if (q.Length != 1 + (2 * size) || q[0] != 4)
                        {
                            return false;
                        }
                        using var ecdsa = ECDsa.Create(new ECParameters
                        {
                            Curve = curve,
                            Q = new ECPoint { X = q.Slice(1, size).ToArray(), Y = q.Slice(1 + size, size).ToArray() },
                        });
                        var rs = new SshReader(signature);
                        var r = rs.ReadMPIntMagnitude();
                        var s = rs.ReadMPIntMagnitude();
                        if (r.Length > size || s.Length > size)
                        {
                            return false;
                        }
                        var fixedRs = new byte[2 * size];
                        r.CopyTo(fixedRs.AsSpan(size - r.Length));
                        s.CopyTo(fixedRs.AsSpan((2 * size) - s.Length));
                        return ecdsa.VerifyData(data, fixedRs, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }
                default:
                    return false;
            }
        }
        catch (SshProtocolException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
