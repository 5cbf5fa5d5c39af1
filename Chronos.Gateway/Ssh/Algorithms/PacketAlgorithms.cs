namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>A cipher that encrypts the packet stream as a whole (aes*-ctr, RFC 4344): stateful across packets.</summary>
internal interface ISshStreamCipher : IDisposable
{
    int BlockSize { get; }

    void Transform(ReadOnlySpan<byte> input, Span<byte> output);
}

/// <summary>A MAC over sequence number and packet (RFC 4253 §6.4); -etm forms feed it the ciphertext.</summary>
internal interface ISshMac : IDisposable
{
    int Length { get; }

    bool EncryptThenMac { get; }

    void Compute(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> tag);
}

/// <summary>
/// An OpenSSH authenticated cipher: chacha20-poly1305@openssh.com (length encrypted with its own key)
/// or aes*-gcm@openssh.com (length in the clear, authenticated). Both see the whole packet including
/// its 4-byte length and append a 16-byte tag.
/// </summary>
internal interface ISshAeadCipher : IDisposable
{
    int BlockSize { get; }

    int TagLength { get; }

    /// <summary>The packet length from the first four wire bytes (decrypted for chacha, as-is for GCM).</summary>
    uint ReadLength(uint sequenceNumber, ReadOnlySpan<byte> firstFour);

    void Seal(uint sequenceNumber, ReadOnlySpan<byte> packet, Span<byte> packetAndTag);

    bool Open(uint sequenceNumber, ReadOnlySpan<byte> packetAndTag, Span<byte> packet);
}

/// <summary>zlib@openssh.com: one stream per direction, flushed (Z_PARTIAL_FLUSH / sync) per packet.</summary>
internal interface ISshCompression : IDisposable
{
    byte[] Compress(ReadOnlySpan<byte> payload);

    byte[] Decompress(ReadOnlySpan<byte> payload);
}
