using System.Text;

namespace Chronos.Gateway.Transcripts;

/// <summary>
/// Reconstructs the command lines a user types from the keystrokes sent to the terminal, the
/// way a cooked terminal and readline see the common keys: printable text, Backspace/DEL,
/// Ctrl-U (kill line), Ctrl-W (erase word), Ctrl-C (abandon the line), Enter. Cursor movement,
/// history and completion cannot be replayed from keystrokes alone, so a line that used them is
/// reported with <see cref="TypedLine.Edited"/> set: the transcript is the exact record; this is
/// the analysts' index into it. Bounded: a line longer than 64 KiB is cut.
/// </summary>
public sealed class TypedLineRecorder
{
    private const int MaxLine = 64 * 1024;
    private readonly StringBuilder _line = new();
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private bool _edited;
    private int _escape; // 0 none, 1 after ESC, 2 inside CSI/SS3

    /// <summary>Feeds keystrokes; returns the lines completed by them.</summary>
    public IReadOnlyList<TypedLine> Feed(ReadOnlySpan<byte> keys)
    {
        var completed = new List<TypedLine>();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(keys.Length)];
        var count = _decoder.GetChars(keys, chars, flush: false);
        foreach (var c in chars.AsSpan(0, count))
        {
            if (_escape == 1)
            {
                _escape = c is '[' or 'O' ? 2 : 0;
                _edited = true;
                continue;
            }
            if (_escape == 2)
            {
                // CSI parameters are 0x30–0x3F, intermediates 0x20–0x2F; a final byte ends it.
                if (c is >= '@' and <= '~')
                {
                    _escape = 0;
                }
                continue;
            }
            switch (c)
            {
                case '\r' or '\n':
                    completed.Add(new TypedLine(_line.ToString(), _edited));
                    _line.Clear();
                    _edited = false;
                    break;
                case '\u0003': // Ctrl-C: readline abandons the line
                    _line.Clear();
                    _edited = false;
                    break;
                case '\u007f' or '\b':
                    if (_line.Length > 0)
                    {
                        _line.Length--;
                    }
                    break;
                case '\u0015': // Ctrl-U
                    _line.Clear();
                    break;
                case '\u0017': // Ctrl-W: erase the word before the cursor
                    var end = _line.Length;
                    while (end > 0 && _line[end - 1] == ' ')
                    {
                        end--;
                    }
                    while (end > 0 && _line[end - 1] != ' ')
                    {
                        end--;
                    }
                    _line.Length = end;
                    break;
                case '\u001b':
                    _escape = 1;
                    break;
                case '\t':
                    _edited = true; // completion: what it inserted is only in the output
                    _line.Append(c);
                    break;
                default:
                    if (c < ' ')
                    {
                        _edited = true; // other readline commands (Ctrl-A, Ctrl-R ...)
                    }
                    else if (_line.Length < MaxLine)
                    {
                        _line.Append(c);
                    }
                    break;
            }
        }
        return completed;
    }
}

/// <summary>A command line as typed; <see cref="Edited"/> when keys were used that keystrokes alone cannot replay.</summary>
public readonly record struct TypedLine(string Text, bool Edited);
