using System.Text;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// Turns a child's output bytes, arriving in arbitrary chunks, into whole lines. Lines are split
/// on '\n' before decoding, so a UTF-8 sequence cut by a chunk boundary is never mangled; invalid
/// UTF-8 becomes U+FFFD (the line is still shown, never dropped). A line longer than
/// <see cref="MaxLineBytes"/> is emitted in pieces cut at a character boundary, so a child that
/// never writes '\n' cannot make the AppHost buffer without bound.
/// </summary>
internal sealed class LineSplitter(Action<string> onLine)
{
    /// <summary>16 KiB: far above any log line, small enough to keep per child.</summary>
    public const int MaxLineBytes = 16 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly byte[] _pending = new byte[MaxLineBytes];
    private int _length;

    public void Write(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var take = newline >= 0 ? newline : chunk.Length;
            while (take > 0)
            {
                var room = MaxLineBytes - _length;
                if (room == 0)
                {
                    EmitOverlong();
                    continue;
                }
                var n = Math.Min(room, take);
                chunk[..n].CopyTo(_pending.AsSpan(_length));
                _length += n;
                chunk = chunk[n..];
                take -= n;
            }
            if (newline >= 0)
            {
                EmitAll();
                chunk = chunk[1..];
            }
        }
    }

    /// <summary>End of stream: a last line without '\n' is still a line.</summary>
    public void Complete()
    {
        if (_length > 0)
        {
            EmitAll();
        }
    }

    private void EmitAll()
    {
        var line = _pending.AsSpan(0, _length);
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        onLine(Utf8.GetString(line));
        _length = 0;
    }

    /// <summary>The buffer is full without a newline: emit up to the last character boundary, keep the rest.</summary>
    private void EmitOverlong()
    {
        var cut = _length;
        // Back up over at most 3 continuation bytes (10xxxxxx) to the lead byte of a possibly
        // incomplete sequence, so that a character is not split in two U+FFFD.
        for (var back = 1; back <= 3 && _length - back >= 0; back++)
        {
            var b = _pending[_length - back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }
            if (b >= 0xC0 && SequenceLength(b) > back)
            {
                cut = _length - back;
            }
            break;
        }
        if (cut == 0)
        {
            cut = _length;
        }
        onLine(Utf8.GetString(_pending, 0, cut));
        _pending.AsSpan(cut, _length - cut).CopyTo(_pending);
        _length -= cut;
    }

    private static int SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 => 4,
        >= 0xE0 => 3,
        _ => 2,
    };
}
