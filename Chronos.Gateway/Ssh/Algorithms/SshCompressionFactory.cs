namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>Compression names this server runs: "none" and the delayed "zlib@openssh.com" (RFC 4253 §6.2, OpenSSH PROTOCOL §1.3).</summary>
internal static class SshCompressionFactory
{
    public static bool IsAvailable(string name) => name is "none" or "zlib@openssh.com";

    public static ISshCompression Create() => new ZlibCompression();
}
