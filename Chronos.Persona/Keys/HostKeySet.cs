using System.Security.Cryptography;

namespace Chronos.Persona.Keys;

/// <summary>
/// A world's SSH host keys. Drawn from the OS RNG once, when the world is seeded, and kept as the
/// world's /etc/ssh/ssh_host_*_key files: that file is the state, and the Gateway reads it from
/// there. They are not derived from the persona seed, because persona files are public (in this
/// repository) and a key derivable from one is no secret.
/// </summary>
public sealed record HostKeySet(OpenSshKey Ed25519, OpenSshKey Ecdsa, OpenSshKey Rsa)
{
    public IEnumerable<(string Name, OpenSshKey Key)> Files =>
    [
        ("ssh_host_ecdsa_key", Ecdsa),
        ("ssh_host_ed25519_key", Ed25519),
        ("ssh_host_rsa_key", Rsa),
    ];

    public static HostKeySet Generate(string hostname)
    {
        var comment = "root@" + hostname;
        Span<byte> seed = stackalloc byte[32];
        RandomNumberGenerator.Fill(seed);
        var ed25519 = OpenSshKey.Ed25519(seed, comment, CheckInt());
        CryptographicOperations.ZeroMemory(seed);

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecKey = OpenSshKey.EcdsaP256(ecdsa.ExportParameters(true), comment, CheckInt());

        // 3072 bits: ssh-keygen's default RSA size since OpenSSH 8.0.
        using var rsa = RSA.Create(3072);
        var rsaKey = OpenSshKey.Rsa(rsa.ExportParameters(true), comment, CheckInt());
        return new HostKeySet(ed25519, ecKey, rsaKey);
    }

    private static uint CheckInt() => (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
}
