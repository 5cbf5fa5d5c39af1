using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// What each advertised name means: key and IV sizes and how to build the direction state from
/// derived key material (RFC 4253 §7.2). The persona decides which names are offered and in what
/// order; this table only knows how to run them.
/// </summary>
internal static class SshAlgorithms
{
    public sealed record CipherInfo(int KeyLength, int IvLength, bool IsAead);

    public static bool IsKnownCipher(string name) => TryGetCipher(name, out _);

    public static bool TryGetCipher(string name, out CipherInfo info)
    {
        info = name switch
        {
            "chacha20-poly1305@openssh.com" => new CipherInfo(64, 0, true),
            "aes128-gcm@openssh.com" => new CipherInfo(16, 12, true),
            "aes256-gcm@openssh.com" => new CipherInfo(32, 12, true),
            "aes128-ctr" => new CipherInfo(16, 16, false),
            "aes192-ctr" => new CipherInfo(24, 16, false),
            "aes256-ctr" => new CipherInfo(32, 16, false),
            _ => null!,
        };
        return info is not null;
    }

    /// <summary>MAC key length, or -1 when the name is not a MAC this server runs.</summary>
    public static int MacKeyLength(string name) => name switch
    {
        "hmac-sha1" or "hmac-sha1-etm@openssh.com" => 20,
        "hmac-sha2-256" or "hmac-sha2-256-etm@openssh.com" => 32,
        "hmac-sha2-512" or "hmac-sha2-512-etm@openssh.com" => 64,
        "umac-64@openssh.com" or "umac-64-etm@openssh.com" or "umac-128@openssh.com" or "umac-128-etm@openssh.com" => 16,
        _ => -1,
    };

    public static bool IsKnownMac(string name) => MacKeyLength(name) > 0;

    public static ISshStreamCipher CreateStreamCipher(string name, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) => name switch
    {
        "aes128-ctr" or "aes192-ctr" or "aes256-ctr" => new AesCounterCipher(key, iv),
        _ => throw new ArgumentException($"not a stream cipher: {name}", nameof(name)),
    };

    public static ISshAeadCipher CreateAead(string name, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv) => name switch
    {
        "chacha20-poly1305@openssh.com" => new ChaCha20Poly1305PacketCipher(key),
        "aes128-gcm@openssh.com" or "aes256-gcm@openssh.com" => new AesGcmPacketCipher(key, iv),
        _ => throw new ArgumentException($"not an AEAD cipher: {name}", nameof(name)),
    };

    public static ISshMac CreateMac(string name, ReadOnlySpan<byte> key) => name switch
    {
        "hmac-sha1" => new HmacMac(HashAlgorithmName.SHA1, key, false),
        "hmac-sha1-etm@openssh.com" => new HmacMac(HashAlgorithmName.SHA1, key, true),
        "hmac-sha2-256" => new HmacMac(HashAlgorithmName.SHA256, key, false),
        "hmac-sha2-256-etm@openssh.com" => new HmacMac(HashAlgorithmName.SHA256, key, true),
        "hmac-sha2-512" => new HmacMac(HashAlgorithmName.SHA512, key, false),
        "hmac-sha2-512-etm@openssh.com" => new HmacMac(HashAlgorithmName.SHA512, key, true),
        "umac-64@openssh.com" => new UmacMac(key, 8, false),
        "umac-64-etm@openssh.com" => new UmacMac(key, 8, true),
        "umac-128@openssh.com" => new UmacMac(key, 16, false),
        "umac-128-etm@openssh.com" => new UmacMac(key, 16, true),
        _ => throw new ArgumentException($"not a MAC: {name}", nameof(name)),
    };

    public static KexMethod? CreateKex(string name) => name switch
    {
        "curve25519-sha256" or "curve25519-sha256@libssh.org" => new Curve25519KexMethod(),
        "sntrup761x25519-sha512" or "sntrup761x25519-sha512@openssh.com" => new Sntrup761X25519KexMethod(),
        "ecdh-sha2-nistp256" => new EcdhNistKexMethod(name, HashAlgorithmName.SHA256),
        "ecdh-sha2-nistp384" => new EcdhNistKexMethod(name, HashAlgorithmName.SHA384),
        "ecdh-sha2-nistp521" => new EcdhNistKexMethod(name, HashAlgorithmName.SHA512),
        "diffie-hellman-group14-sha256" => new FiniteFieldDhKexMethod(DiffieHellmanGroups.Group14, HashAlgorithmName.SHA256),
        "diffie-hellman-group16-sha512" => new FiniteFieldDhKexMethod(DiffieHellmanGroups.Group16, HashAlgorithmName.SHA512),
        "diffie-hellman-group18-sha512" => new FiniteFieldDhKexMethod(DiffieHellmanGroups.Group18, HashAlgorithmName.SHA512),
        _ => null,
    };

    public static bool IsGroupExchange(string name) => name == "diffie-hellman-group-exchange-sha256";

    public static bool IsKnownKex(string name) => IsGroupExchange(name) || CreateKex(name) is not null;
}
