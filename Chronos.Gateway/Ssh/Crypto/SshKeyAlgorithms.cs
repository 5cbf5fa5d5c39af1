namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>Key type and signature algorithm names exactly as they appear on the wire.</summary>
public static class SshKeyAlgorithms
{
    public const string Ed25519 = "ssh-ed25519";
    public const string EcdsaNistp256 = "ecdsa-sha2-nistp256";
    public const string EcdsaNistp384 = "ecdsa-sha2-nistp384";
    public const string EcdsaNistp521 = "ecdsa-sha2-nistp521";
    public const string SshRsa = "ssh-rsa";
    public const string RsaSha256 = "rsa-sha2-256";
    public const string RsaSha512 = "rsa-sha2-512";
}
