namespace Chronos.Gateway.Ssh;

/// <summary>
/// Everything that identifies one OpenSSH package on the wire, as data: the banner and the server
/// KEXINIT name-lists in sshd's order, server-sig-algs and the EXT_INFO shape. Values measured on
/// Debian 12's own sshd and read from OpenSSH's myproposal.h at each tag (see
/// /work/shared/reference/openssh-wire.md). Scanners (HASSHServer, nmap ssh-hassh, ssh-audit)
/// compare banner and lists together, so they live together here.
/// </summary>
public sealed record SshPersonaProfile
{
    public required string Name { get; init; }

    /// <summary>The identification line without CRLF (RFC 4253 §4.2).</summary>
    public required string Banner { get; init; }

    /// <summary>KEX methods, including the pseudo-algorithms ext-info-s / kex-strict-s-v00@openssh.com where sshd lists them.</summary>
    public required IReadOnlyList<string> KexAlgorithms { get; init; }

    public IReadOnlyList<string> HostKeyAlgorithms { get; init; } = ["rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256", "ssh-ed25519"];

    public IReadOnlyList<string> Ciphers { get; init; } =
        ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"];

    public IReadOnlyList<string> Macs { get; init; } =
    [
        "umac-64-etm@openssh.com", "umac-128-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
        "hmac-sha1-etm@openssh.com", "umac-64@openssh.com", "umac-128@openssh.com", "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1",
    ];

    public IReadOnlyList<string> Compression { get; init; } = ["none", "zlib@openssh.com"];

    /// <summary>The server-sig-algs value of EXT_INFO (sshd's key-type table order differs by version).</summary>
    public required string ServerSigAlgs { get; init; }

    /// <summary>9.6 adds ping@openssh.com and a second EXT_INFO after the first USERAUTH_REQUEST.</summary>
    public bool SupportsPingAndExtInfoInAuth { get; init; }

    /// <summary>Debian and Ubuntu ship KbdInteractiveAuthentication no; a world may turn it on.</summary>
    public bool KeyboardInteractive { get; init; }

    /// <summary>MaxAuthTries (default 6): the sixth failure ends the connection.</summary>
    public int MaxAuthTries { get; init; } = 6;

    public string HasshServer => SshFingerprints.Hassh(KexAlgorithms, Ciphers, Macs, Compression);

    public static SshPersonaProfile Debian12 { get; } = new()
    {
        Name = "debian12",
        Banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
        KexAlgorithms =
        [
            "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
            "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256",
            "diffie-hellman-group16-sha512", "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256", "kex-strict-s-v00@openssh.com",
        ],
        ServerSigAlgs = "ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,rsa-sha2-512",
    };

    public static SshPersonaProfile Ubuntu2204 { get; } = new()
    {
        Name = "ubuntu2204",
        // 3ubuntu0.13: a revision that shipped (public data covers .5 to .17).
        Banner = "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.13",
        KexAlgorithms =
        [
            "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "ecdh-sha2-nistp521",
            "sntrup761x25519-sha512@openssh.com", "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
            "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256", "kex-strict-s-v00@openssh.com",
        ],
        ServerSigAlgs = "ssh-ed25519,sk-ssh-ed25519@openssh.com,ssh-rsa,rsa-sha2-256,rsa-sha2-512,ssh-dss,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
    };

    public static SshPersonaProfile Ubuntu2404 { get; } = new()
    {
        Name = "ubuntu2404",
        Banner = "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5",
        KexAlgorithms =
        [
            "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
            "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group-exchange-sha256", "diffie-hellman-group16-sha512",
            "diffie-hellman-group18-sha512", "diffie-hellman-group14-sha256", "ext-info-s", "kex-strict-s-v00@openssh.com",
        ],
        // 9.6 keeps 9.2's key-type table (DSA is still compiled in until 9.8).
        ServerSigAlgs = "ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,rsa-sha2-512",
        SupportsPingAndExtInfoInAuth = true,
    };

    public static IReadOnlyList<SshPersonaProfile> All { get; } = [Debian12, Ubuntu2204, Ubuntu2404];

    public static SshPersonaProfile ByName(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown SSH persona '{name}' (known: {string.Join(", ", All.Select(p => p.Name))})", nameof(name));
}
