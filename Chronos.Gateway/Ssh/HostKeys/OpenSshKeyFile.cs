using System.Numerics;
using System.Security.Cryptography;
using Chronos.Gateway.Ssh.Wire;

namespace Chronos.Gateway.Ssh.HostKeys;

/// <summary>
/// The unencrypted "openssh-key-v1" private key format (OpenSSH PROTOCOL.key), which is what
/// ssh-keygen writes into /etc/ssh/ssh_host_*_key: magic, cipher "none", kdf "none", one public
/// key, then a private section of two equal check ints, the key, a comment and 1,2,3… padding.
/// </summary>
internal static class OpenSshKeyFile
{
    private const string Begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string End = "-----END OPENSSH PRIVATE KEY-----";
    private static readonly byte[] Magic = "openssh-key-v1\0"u8.ToArray();

    public static string Write(byte[] publicKeyBlob, SshWriter privateKeyFields)
    {
        var check = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
        var section = new SshWriter(privateKeyFields.Length + 64).WriteUInt32(check).WriteUInt32(check)
            .WriteRaw(privateKeyFields.WrittenSpan).WriteString("root@chronos");
        for (byte pad = 1; section.Length % 8 != 0; pad++)
        {
            section.WriteByte(pad);
        }
        var file = new SshWriter(section.Length + publicKeyBlob.Length + 64).WriteRaw(Magic)
            .WriteString("none").WriteString("none").WriteString(""u8).WriteUInt32(1)
            .WriteString(publicKeyBlob).WriteString(section.WrittenSpan);
        var base64 = Convert.ToBase64String(file.WrittenSpan);
        var lines = Enumerable.Range(0, (base64.Length + 69) / 70).Select(i => base64.Substring(i * 70, Math.Min(70, base64.Length - (i * 70))));
        return $"{Begin}\n{string.Join('\n', lines)}\n{End}\n";
    }

    public static ISshHostKey Parse(string text)
    {
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new FormatException("not an OpenSSH private key file");
        }
        var body = Convert.FromBase64String(text[(start + Begin.Length)..end].Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
        try
        {
            return ParseBody(body);
        }
        catch (SshProtocolException e)
        {
            throw new FormatException("truncated OpenSSH private key", e);
        }
    }

    private static ISshHostKey ParseBody(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            throw new FormatException("missing openssh-key-v1 magic");
        }
        var reader = new SshReader(body[Magic.Length..]);
        if (reader.ReadAsciiString() != "none" || reader.ReadAsciiString() != "none")
        {
            throw new FormatException("encrypted host keys are not supported (sshd cannot read them either)");
        }
        reader.ReadString();
        if (reader.ReadUInt32() != 1)
        {
            throw new FormatException("expected exactly one key");
        }
        reader.ReadString();
        var section = new SshReader(reader.ReadString());
        if (section.ReadUInt32() != section.ReadUInt32())
        {
            throw new FormatException("check ints differ (wrong passphrase or corrupt file)");
        }
        var type = section.ReadAsciiString();
        switch (type)
        {
            case "ssh-ed25519":
                {
                    section.ReadString();
                    var secret = section.ReadString();
                    return new Ed25519HostKey(secret[..32]);
                }
            case "ecdsa-sha2-nistp256":
                {
                    section.ReadString();
                    var q = section.ReadString();
                    var d = Fixed(section.ReadMPIntMagnitude(), 32);
                    var parameters = new ECParameters
                    {
                        Curve = ECCurve.NamedCurves.nistP256,
                        Q = new ECPoint { X = q.Slice(1, 32).ToArray(), Y = q.Slice(33, 32).ToArray() },
                        D = d,
                    };
                    return new EcdsaHostKey(ECDsa.Create(parameters));
                }
            case "ssh-rsa":
                {
                    var n = section.ReadMPIntMagnitude().ToArray();
                    var e = section.ReadMPIntMagnitude().ToArray();
                    var d = section.ReadMPIntMagnitude().ToArray();
                    var iqmp = section.ReadMPIntMagnitude().ToArray();
                    var p = section.ReadMPIntMagnitude().ToArray();
                    var q = section.ReadMPIntMagnitude().ToArray();
                    var half = (n.Length + 1) / 2;
                    var dp = BigInteger.Remainder(Big(d), Big(p) - 1);
                    var dq = BigInteger.Remainder(Big(d), Big(q) - 1);
                    var parameters = new RSAParameters
                    {
                        Modulus = n,
                        Exponent = e,
                        D = Fixed(d, n.Length),
                        P = Fixed(p, half),
                        Q = Fixed(q, half),
                        DP = Fixed(dp.ToByteArray(isUnsigned: true, isBigEndian: true), half),
                        DQ = Fixed(dq.ToByteArray(isUnsigned: true, isBigEndian: true), half),
                        InverseQ = Fixed(iqmp, half),
                    };
                    return new RsaHostKey(RSA.Create(parameters));
                }
            default:
                throw new FormatException($"unsupported host key type {type}");
        }
    }

    private static BigInteger Big(ReadOnlySpan<byte> magnitude) => new(magnitude, isUnsigned: true, isBigEndian: true);

    private static byte[] Fixed(ReadOnlySpan<byte> magnitude, int length)
    {
        var result = new byte[length];
        magnitude.CopyTo(result.AsSpan(length - magnitude.Length));
        return result;
    }
}
