using System.Security.Cryptography;
using System.Text;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// A server host key: its SSH public key blob (RFC 4253 §6.6), signatures over the exchange hash, and the
/// OpenSSH key file formats, so a persona's keys can be produced by or handed to <c>ssh-keygen</c>.
/// Implementations: <see cref="Ed25519HostKey"/>, <see cref="EcdsaHostKey"/>, <see cref="RsaHostKey"/>.
/// </summary>
public abstract class HostKey
{
    private string? fingerprint;

    /// <summary>The key type name as in the public key blob: <c>ssh-ed25519</c>, <c>ecdsa-sha2-nistp256</c>, <c>ssh-rsa</c>.</summary>
    public abstract string Algorithm { get; }

    /// <summary>The host key algorithm names this key can sign for, in OpenSSH's order of preference.</summary>
    public abstract IReadOnlyList<string> SignatureAlgorithms { get; }

    /// <summary>The public key in SSH wire format (the K_S of the exchange hash).</summary>
    public abstract byte[] PublicKeyBlob { get; }

    /// <summary>The comment stored in the key file (empty when none).</summary>
    public string Comment { get; set; } = "";

    /// <summary><c>SHA256:</c> and the unpadded base64 of SHA-256 over the blob, as <c>ssh-keygen -l</c> prints it.</summary>
    public string Fingerprint => fingerprint ??= ComputeFingerprint(PublicKeyBlob);

    /// <summary>
    /// Signs <paramref name="data"/> and returns the SSH signature blob: string algorithm || string signature
    /// (RFC 4253 §6.6, RFC 5656 §3.1.2, RFC 8332 §3, RFC 8709 §6).
    /// </summary>
    public byte[] Sign(string signatureAlgorithm, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(signatureAlgorithm);
        if (!SignatureAlgorithms.Contains(signatureAlgorithm, StringComparer.Ordinal) &&
            !(this is RsaHostKey && signatureAlgorithm == SshKeyAlgorithms.SshRsa))
        {
            throw new ArgumentException($"{Algorithm} key cannot sign {signatureAlgorithm}", nameof(signatureAlgorithm));
        }
        var writer = new SshWireWriter();
        writer.WriteString(signatureAlgorithm);
        writer.WriteString(SignRaw(signatureAlgorithm, data));
        return writer.ToArray();
    }

    /// <summary>The algorithm-specific signature (the inner string of the blob).</summary>
    protected abstract byte[] SignRaw(string signatureAlgorithm, ReadOnlySpan<byte> data);

    /// <summary>Writes the key-type specific fields of the openssh-key-v1 private section (after the type name).</summary>
    internal abstract void WritePrivateFields(SshWireWriter writer);

    /// <summary>The <c>authorized_keys</c>/<c>.pub</c> line: type, base64 blob and, when given, the comment.</summary>
    public string ToOpenSshPublicKey(string comment)
    {
        var line = $"{Algorithm} {Convert.ToBase64String(PublicKeyBlob)}";
        return string.IsNullOrEmpty(comment) ? line : $"{line} {comment}";
    }

    /// <summary>Writes the unencrypted openssh-key-v1 file, as <c>ssh-keygen -N ""</c> does.</summary>
    public string ToOpenSshPrivateKey() => OpenSshKeyFile.Write(this);

    /// <summary>Reads an unencrypted <c>-----BEGIN OPENSSH PRIVATE KEY-----</c> file (ed25519, ecdsa, rsa).</summary>
    /// <exception cref="SshKeyFormatException">The text is not such a key file, is encrypted, or is corrupt.</exception>
    public static HostKey ParseOpenSshPrivateKey(string pem) => OpenSshKeyFile.Parse(pem);

    /// <summary>Generates a new key as <c>ssh-keygen -A</c> would: <c>ed25519</c>, <c>ecdsa</c> (P-256) or <c>rsa</c> (3072 bits).</summary>
    public static HostKey Generate(string keyType) => keyType switch
    {
        "ed25519" or SshKeyAlgorithms.Ed25519 => Ed25519HostKey.Generate(),
        "ecdsa" or SshKeyAlgorithms.EcdsaNistp256 => EcdsaHostKey.Generate(ECCurve.NamedCurves.nistP256),
        SshKeyAlgorithms.EcdsaNistp384 => EcdsaHostKey.Generate(ECCurve.NamedCurves.nistP384),
        SshKeyAlgorithms.EcdsaNistp521 => EcdsaHostKey.Generate(ECCurve.NamedCurves.nistP521),
        "rsa" or SshKeyAlgorithms.SshRsa => RsaHostKey.Generate(3072),
        _ => throw new ArgumentException($"unknown key type {keyType}", nameof(keyType)),
    };

    internal static string ComputeFingerprint(ReadOnlySpan<byte> blob) =>
        "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
