using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// Server side of ecdh-sha2-nistp256/384/521 (RFC 5656 §4): a fresh key pair per exchange, Q_S as an
/// uncompressed SEC1 point, and the shared secret as the X coordinate of d_S·Q_C (field-size bytes, big-endian),
/// which the transport encodes as an mpint (OpenSSH kexecdh.c: sshbuf_put_bignum2_bytes).
/// </summary>
public static class EcdhNistKex
{
    /// <param name="curveName">The KEX name (<c>ecdh-sha2-nistp256</c>) or the curve identifier (<c>nistp256</c>).</param>
    /// <exception cref="SshKexException">Q_C is not an uncompressed point of the right length or not on the curve.</exception>
    public static (byte[] ServerPoint, byte[] SharedSecret) Respond(string curveName, ReadOnlySpan<byte> clientPointUncompressed)
    {
        ArgumentNullException.ThrowIfNull(curveName);
        var curve = curveName switch
        {
            "ecdh-sha2-nistp256" or "nistp256" => EcdsaCurve.P256,
            "ecdh-sha2-nistp384" or "nistp384" => EcdsaCurve.P384,
            "ecdh-sha2-nistp521" or "nistp521" => EcdsaCurve.P521,
            _ => throw new ArgumentException($"unknown ECDH curve {curveName}", nameof(curveName)),
        };
        var q = curve.DecodePoint(clientPointUncompressed)
            ?? throw new SshKexException($"ECDH client point must be {1 + 2 * curve.FieldBytes} bytes starting with 0x04");
        ECDiffieHellman peer;
        try
        {
            // Import validates the point (coordinates below p, on the curve, not infinity), as OpenSSH's
            // sshkey_ec_validate_public does.
            peer = ECDiffieHellman.Create(new ECParameters { Curve = curve.Curve, Q = q });
        }
        catch (CryptographicException e)
        {
            throw new SshKexException("ECDH client point is not on the curve", e);
        }
        using (peer)
        using (var server = ECDiffieHellman.Create(curve.Curve))
        {
            var serverPoint = EcdsaCurve.EncodePoint(server.ExportParameters(false).Q, curve.FieldBytes);
            using var peerPublic = peer.PublicKey;
            var secret = server.DeriveRawSecretAgreement(peerPublic);
            return (serverPoint, secret);
        }
    }
}
