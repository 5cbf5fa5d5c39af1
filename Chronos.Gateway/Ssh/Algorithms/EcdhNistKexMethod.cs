using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>ecdh-sha2-nistp256/384/521 (RFC 5656 §4): uncompressed points as strings, K = x-coordinate as an mpint.</summary>
internal sealed class EcdhNistKexMethod(ECCurve curve, HashAlgorithmName hash) : KexMethod
{
    public override HashAlgorithmName Hash => hash;

    public override KexResult Respond(ReadOnlySpan<byte> clientPublic)
    {
        using var server = ECDiffieHellman.Create(curve);
        var coordinate = (server.KeySize + 7) / 8;
        if (clientPublic.Length != 1 + (2 * coordinate) || clientPublic[0] != 0x04)
        {
            throw SshProtocolException.Silent("ECDH public point is not an uncompressed point of the curve");
        }
        byte[] secret;
        try
        {
            using var client = ECDiffieHellman.Create(new ECParameters
            {
                Curve = curve,
                Q = new ECPoint { X = clientPublic.Slice(1, coordinate).ToArray(), Y = clientPublic.Slice(1 + coordinate, coordinate).ToArray() },
            });
            secret = server.DeriveRawSecretAgreement(client.PublicKey);
        }
        catch (CryptographicException e)
        {
            throw new SshProtocolException("ECDH public point is not on the curve", e);
        }
        var q = server.ExportParameters(false).Q;
        var serverPublic = new SshWriter(140).WriteUInt32((uint)(1 + (2 * coordinate))).WriteByte(0x04).WriteRaw(q.X).WriteRaw(q.Y).ToArray();
        return new KexResult(serverPublic, new SshWriter(72).WriteMPInt(secret).ToArray());
    }
}
