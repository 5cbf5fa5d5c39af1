using System.Security.Cryptography;
using System.Text;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>
/// The openssh-key-v1 private key file (OpenSSH PROTOCOL.key), unencrypted only:
/// <code>
/// "openssh-key-v1\0" string ciphername("none") string kdfname("none") string kdfoptions("") uint32 N(1)
/// string publickey string private-section
/// private-section = uint32 check || uint32 check || string type || fields || string comment || 1,2,3… pad to 8
/// </code>
/// wrapped in PEM armour with 70-column base64, exactly as ssh-keygen writes it.
/// </summary>
internal static class OpenSshKeyFile
{
    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";
    private const int MaxFileBytes = 64 * 1024;
    private static readonly byte[] Magic = "openssh-key-v1\0"u8.ToArray();

    public static HostKey Parse(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Length > MaxFileBytes)
        {
            throw new SshKeyFormatException("key file too large");
        }
        var begin = pem.IndexOf(Begin, StringComparison.Ordinal);
        var end = pem.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            throw new SshKeyFormatException("not an OpenSSH private key (missing BEGIN/END lines)");
        }
        var body = pem.AsSpan(begin + Begin.Length, end - begin - Begin.Length);
        var base64 = new StringBuilder(body.Length);
        foreach (var c in body)
        {
            if (!char.IsWhiteSpace(c))
            {
                base64.Append(c);
            }
        }
        byte[] data;
        try
        {
            data = Convert.FromBase64String(base64.ToString());
        }
        catch (FormatException e)
        {
            throw new SshKeyFormatException("key body is not base64", e);
        }
        return ParseBinary(data);
    }

    public static HostKey ParseBinary(ReadOnlySpan<byte> data)
    {
        if (!data.StartsWith(Magic))
        {
            throw new SshKeyFormatException("missing openssh-key-v1 magic");
        }
        var reader = new SshWireReader(data[Magic.Length..]);
        var cipher = reader.ReadAsciiString();
        var kdf = reader.ReadAsciiString();
        var kdfOptions = reader.ReadString();
        if (cipher != "none" || kdf != "none" || !kdfOptions.IsEmpty)
        {
            throw new SshKeyFormatException($"encrypted key files are not supported (cipher {cipher}, kdf {kdf})");
        }
        if (reader.ReadUInt32() != 1)
        {
            throw new SshKeyFormatException("only key files holding exactly one key are supported");
        }
        var publicBlob = reader.ReadString();
        var section = reader.ReadString();
        reader.ExpectEnd();
        // Unencrypted keys use the "none" cipher's block size, 8 (OpenSSH sshkey_private_deserialize checks this).
        if (section.Length % 8 != 0)
        {
            throw new SshKeyFormatException("private section is not a multiple of the block size");
        }

        var priv = new SshWireReader(section);
        if (priv.ReadUInt32() != priv.ReadUInt32())
        {
            throw new SshKeyFormatException("check integers differ (wrong passphrase or corrupt file)");
        }
        var type = priv.ReadAsciiString();
        HostKey key = type switch
        {
            SshKeyAlgorithms.Ed25519 => Ed25519HostKey.ReadPrivateFields(ref priv),
            SshKeyAlgorithms.EcdsaNistp256 or SshKeyAlgorithms.EcdsaNistp384 or SshKeyAlgorithms.EcdsaNistp521
                => EcdsaHostKey.ReadPrivateFields(type, ref priv),
            SshKeyAlgorithms.SshRsa => RsaHostKey.ReadPrivateFields(ref priv),
            _ => throw new SshKeyFormatException($"unsupported key type {type}"),
        };
        key.Comment = priv.ReadUtf8String();
        // Deterministic padding 1, 2, 3, … up to the block size.
        var padding = 1;
        while (!priv.IsEmpty)
        {
            var pad = priv.ReadPadByte();
            if (pad != padding++)
            {
                throw new SshKeyFormatException("bad padding in the private section");
            }
        }
        if (!publicBlob.SequenceEqual(key.PublicKeyBlob))
        {
            throw new SshKeyFormatException("public key does not match the private key");
        }
        return key;
    }

    public static string Write(HostKey key)
    {
        var section = new SshWireWriter();
        var check = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        section.WriteUInt32(check);
        section.WriteUInt32(check);
        section.WriteString(key.Algorithm);
        key.WritePrivateFields(section);
        section.WriteString(key.Comment);
        for (byte pad = 1; section.Length % 8 != 0; pad++)
        {
            section.WriteRaw([pad]);
        }

        var file = new SshWireWriter();
        file.WriteRaw(Magic);
        file.WriteString("none");
        file.WriteString("none");
        file.WriteString(ReadOnlySpan<byte>.Empty);
        file.WriteUInt32(1);
        file.WriteString(key.PublicKeyBlob);
        file.WriteString(section.WrittenSpan);

        var base64 = Convert.ToBase64String(file.WrittenSpan);
        var text = new StringBuilder();
        text.Append(Begin).Append('\n');
        for (var i = 0; i < base64.Length; i += 70)
        {
            text.Append(base64.AsSpan(i, Math.Min(70, base64.Length - i))).Append('\n');
        }
        text.Append(End).Append('\n');
        return text.ToString();
    }
}
