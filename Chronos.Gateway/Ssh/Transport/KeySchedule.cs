using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Transport;

/// <summary>RFC 4253 §7.2: key = HASH(K ‖ H ‖ letter ‖ session_id), extended by HASH(K ‖ H ‖ key so far).</summary>
internal sealed class KeySchedule(HashAlgorithmName hash, byte[] sharedSecretEncoded, byte[] exchangeHash, byte[] sessionId)
{
    public byte[] Derive(char letter, int length)
    {
        if (length == 0)
        {
            return [];
        }
        using var h = IncrementalHash.CreateHash(hash);
        h.AppendData(sharedSecretEncoded);
        h.AppendData(exchangeHash);
        h.AppendData([(byte)letter]);
        h.AppendData(sessionId);
        var key = new List<byte>(h.GetHashAndReset());
        while (key.Count < length)
        {
            h.AppendData(sharedSecretEncoded);
            h.AppendData(exchangeHash);
            h.AppendData([.. key]);
            key.AddRange(h.GetHashAndReset());
        }
        return [.. key.Take(length)];
    }
}
