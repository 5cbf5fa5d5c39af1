using System.Security.Cryptography;
using System.Text;

namespace Chronos.Gateway.Ssh;

/// <summary>HASSH (Salesforce): md5 of kex;ciphers;macs;compression, hex, for either side's KEXINIT.</summary>
public static class SshFingerprints
{
    public static string Hassh(IEnumerable<string> kex, IEnumerable<string> ciphers, IEnumerable<string> macs, IEnumerable<string> compression)
    {
        var text = string.Join(';', string.Join(',', kex), string.Join(',', ciphers), string.Join(',', macs), string.Join(',', compression));
#pragma warning disable CA5351 // HASSH is defined as MD5; it is an identifier here, not a security control.
        return Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(text)));
#pragma warning restore CA5351
    }
}
