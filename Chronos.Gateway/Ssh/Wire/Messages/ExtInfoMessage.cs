namespace Chronos.Gateway.Ssh.Wire.Messages;

/// <summary>SSH_MSG_EXT_INFO (RFC 8308 §2.3): extension names and values, in the order given.</summary>
internal sealed record ExtInfoMessage(IReadOnlyList<KeyValuePair<string, string>> Extensions)
{
    public byte[] Write()
    {
        var writer = new SshWriter(512)
            .WriteByte(SshMessageNumber.SSH_MSG_EXT_INFO).WriteUInt32((uint)Extensions.Count);
        foreach (var (name, value) in Extensions)
        {
            writer.WriteString(name).WriteString(value);
        }
        return writer.ToArray();
    }
}
