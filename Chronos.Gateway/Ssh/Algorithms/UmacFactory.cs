namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// umac-64/128@openssh.com and their -etm forms, backed by the crypto layer's RFC 4418 UMAC
/// (Chronos.Gateway.Ssh.Crypto.Umac, branch sshcrypto). Until that class is merged the UMAC names
/// cannot be negotiated and <see cref="IsAvailable"/> says so.
/// </summary>
internal static partial class UmacFactory
{
    public static bool IsAvailable => CreateCore is not null;

    private static Func<byte[], int, bool, ISshMac>? CreateCore { get; set; }

    public static ISshMac Create(ReadOnlySpan<byte> key, int tagLength, bool encryptThenMac) =>
        (CreateCore ?? throw new NotSupportedException("UMAC is not available in this build"))(key.ToArray(), tagLength, encryptThenMac);
}
