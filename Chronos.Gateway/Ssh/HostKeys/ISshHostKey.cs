namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>One server host key: its public blob (RFC 4253 §6.6) and signing under the algorithms it serves.</summary>
public interface ISshHostKey
{
    /// <summary>The key type as in the blob: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa.</summary>
    string KeyType { get; }

    /// <summary>Host key algorithms this key answers for, in sshd's order (rsa-sha2-512, rsa-sha2-256 for RSA).</summary>
    IReadOnlyList<string> SignatureAlgorithms { get; }

    byte[] PublicKeyBlob { get; }

    /// <summary>An SSH signature blob: string algorithm, string signature (RFC 4253 §6.6, RFC 8332 §3, RFC 5656 §3.1.2, RFC 8709 §6).</summary>
    byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data);

    /// <summary>The openssh-key-v1 private key file text (PROTOCOL.key), unencrypted.</summary>
    string ToOpenSshPrivateKey();
}
