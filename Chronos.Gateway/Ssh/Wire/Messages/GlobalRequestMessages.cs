namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_GLOBAL_REQUEST (RFC 4254 §4): name and want-reply; request data stays in the reader.</summary>
internal readonly record struct GlobalRequestHead(string RequestName, bool WantReply)
{
    public static GlobalRequestHead Read(ref SshReader reader)
    {
        reader.ReadByte();
        return new GlobalRequestHead(reader.ReadAsciiString(), reader.ReadBoolean());
    }
}

/// <summary>"hostkeys-00@openssh.com" (OpenSSH PROTOCOL §2.5): every host key, want-reply false.</summary>
internal static class HostKeysAnnouncement
{
    public static byte[] Write(IEnumerable<byte[]> publicKeyBlobs)
    {
        var writer = new SshWriter(2048).WriteByte(SshMessageNumber.SSH_MSG_GLOBAL_REQUEST)
            .WriteString("hostkeys-00@openssh.com").WriteBoolean(false);
        foreach (var blob in publicKeyBlobs)
        {
            writer.WriteString(blob);
        }
        return writer.ToArray();
    }
}
