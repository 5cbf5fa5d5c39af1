using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Auth;

/// <summary>
/// Which client signature algorithms sshd 9.x accepts by default (PubkeyAcceptedAlgorithms: no
/// SHA-1 ssh-rsa, no DSA) and the check itself, delegated to the crypto layer.
/// </summary>
internal static class PublicKeyVerifier
{
    public static bool IsSupported(string algorithm) => algorithm is "ssh-ed25519" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384"
        or "ecdsa-sha2-nistp521" or "rsa-sha2-256" or "rsa-sha2-512";

    /// <summary>SHA256:base64, as sshd logs it and ssh-keygen -l prints it.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKeyBlob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyBlob)).TrimEnd('=');

    public static bool Verify(string algorithm, ReadOnlySpan<byte> publicKeyBlob, ReadOnlySpan<byte> signatureBlob, ReadOnlySpan<byte> data)
    {
        // The signature blob names its algorithm; it must be the one the request named.
        var expectedPrefix = new Wire.SshWriter(32).WriteString(algorithm).WrittenSpan;
        return IsSupported(algorithm) && signatureBlob.StartsWith(expectedPrefix) &&
            SignatureVerifier.Verify(publicKeyBlob, signatureBlob, data);
    }
}
