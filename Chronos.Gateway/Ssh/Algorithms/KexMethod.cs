using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// The server half of one key exchange whose client sends one public value (RFC 5656 §4 ECDH,
/// RFC 8731 curve25519, sntrup761x25519, RFC 4253 §8 / RFC 8268 fixed DH groups). Values come back
/// already in their wire encoding, so the exchange hash and key derivation need not know the method.
/// </summary>
internal abstract class KexMethod
{
    public abstract HashAlgorithmName Hash { get; }

    /// <summary>Given the client's public value (string / mpint body), returns the server's reply value and the shared secret.</summary>
    public abstract KexResult Respond(ReadOnlySpan<byte> clientPublic);
}

/// <summary>Wire-encoded (length-prefixed) server public value and shared secret K (mpint, or string for the hybrid PQ methods).</summary>
internal sealed record KexResult(byte[] ServerPublicEncoded, byte[] SharedSecretEncoded);
