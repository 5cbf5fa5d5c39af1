namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// Compression names this server can run: "none" always; "zlib@openssh.com" once the crypto
/// layer's SshCompressor/SshDecompressor (branch sshcrypto) are merged.
/// </summary>
internal static class SshCompressionFactory
{
    public static bool IsAvailable(string name) => name == "none";

    public static ISshCompression Create() => throw new NotSupportedException("zlib@openssh.com is not available in this build");
}
