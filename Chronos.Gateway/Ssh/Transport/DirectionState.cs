using Chronos.Gateway.Ssh.Algorithms;

namespace Chronos.Gateway.Ssh.Transport;

/// <summary>
/// The protection of one direction after a NEWKEYS: a stream cipher plus a MAC, or an AEAD cipher,
/// plus optional compression. <see cref="None"/> is the state before the first NEWKEYS.
/// </summary>
internal sealed class DirectionState : IDisposable
{
    public static DirectionState None => new(null, null, null, null, delayedCompression: false);

    public DirectionState(ISshStreamCipher? cipher, ISshMac? mac, ISshAeadCipher? aead, ISshCompression? compression, bool delayedCompression)
    {
        Cipher = cipher;
        Mac = mac;
        Aead = aead;
        Compression = compression;
        DelayedCompression = delayedCompression;
    }

    public ISshStreamCipher? Cipher { get; }

    public ISshMac? Mac { get; }

    public ISshAeadCipher? Aead { get; }

    public ISshCompression? Compression { get; }

    /// <summary>zlib@openssh.com: compression starts only once authentication has succeeded.</summary>
    public bool DelayedCompression { get; }

    public bool CompressionActive { get; set; }

    public int BlockSize => Aead?.BlockSize ?? Cipher?.BlockSize ?? 8;

    public bool IsEncrypted => Cipher is not null || Aead is not null;

    public void Dispose()
    {
        Cipher?.Dispose();
        Mac?.Dispose();
        Aead?.Dispose();
        Compression?.Dispose();
    }
}
