using System.Buffers.Text;
using System.Text;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Storage;

/// <summary>
/// Reads one RESP2 reply (simple string, error, integer, bulk string, array, nested to any depth
/// up to <see cref="MaxDepth"/>) from the start of a buffer, as the <see cref="RedisResult"/>
/// StackExchange.Redis would have made of it. A reply that has not fully arrived yet is reported
/// as such, and malformed input is an <see cref="InvalidDataException"/>, never a wrong result.
/// </summary>
internal static class RespReader
{
    public const int MaxDepth = 32;

    /// <summary>The largest bulk string Redis sends (proto-max-bulk-len's default).</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;

    /// <summary>
    /// The reply at the start of <paramref name="buffer"/> and the bytes it took, or false when the
    /// buffer ends before the reply does. Throws <see cref="InvalidDataException"/> for bytes that
    /// cannot start or continue a reply.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> buffer, out RedisResult result, out int consumed)
    {
        consumed = 0;
        return TryRead(buffer, ref consumed, 0, out result);
    }

    private static bool TryRead(ReadOnlySpan<byte> buffer, ref int position, int depth, out RedisResult result)
    {
        result = null!;
        if (!TryLine(buffer, position, out var line, out var next))
        {
            return false;
        }
        var type = line[0];
        var text = line[1..];
        switch (type)
        {
            case (byte)'+':
                result = RedisResult.Create((RedisValue)Text(text), ResultType.SimpleString);
                break;
            case (byte)'-':
                result = RedisResult.Create((RedisValue)Text(text), ResultType.Error);
                break;
            case (byte)':':
                result = RedisResult.Create((RedisValue)Integer(text), ResultType.Integer);
                break;
            case (byte)'$':
            {
                var length = Integer(text);
                if (length == -1)
                {
                    result = RedisResult.Create(RedisValue.Null, ResultType.BulkString);
                    break;
                }
                if (length < 0 || length > MaxBulkLength)
                {
                    throw new InvalidDataException($"bulk string length {length}");
                }
                if (buffer.Length - next < length + 2)
                {
                    return false;
                }
                var body = buffer.Slice(next, (int)length);
                if (buffer[next + (int)length] != '\r' || buffer[next + (int)length + 1] != '\n')
                {
                    throw new InvalidDataException("bulk string not followed by CRLF");
                }
                result = RedisResult.Create((RedisValue)body.ToArray(), ResultType.BulkString);
                next += (int)length + 2;
                break;
            }
            case (byte)'*':
            {
                var count = Integer(text);
                if (count == -1)
                {
                    result = RedisResult.Create(RedisValue.Null, ResultType.Array);
                    break;
                }
                // Every element takes at least three bytes ("+\r\n"): a count the buffer cannot hold
                // yet is only allocated for once its bytes are here.
                if (count < 0 || count > MaxBulkLength / 3)
                {
                    throw new InvalidDataException($"array length {count}");
                }
                if (depth == MaxDepth)
                {
                    throw new InvalidDataException($"arrays nested deeper than {MaxDepth}");
                }
                if ((buffer.Length - next) / 3 < count)
                {
                    return false;
                }
                var items = new RedisResult[count];
                for (var i = 0; i < items.Length; i++)
                {
                    if (!TryRead(buffer, ref next, depth + 1, out items[i]))
                    {
                        return false;
                    }
                }
                result = RedisResult.Create(items);
                break;
            }
            default:
                throw new InvalidDataException($"reply type byte 0x{type:x2}");
        }
        position = next;
        return true;
    }

    /// <summary>The line at <paramref name="start"/> without its CRLF (at least the type byte), and where the next one starts.</summary>
    private static bool TryLine(ReadOnlySpan<byte> buffer, int start, out ReadOnlySpan<byte> line, out int next)
    {
        line = default;
        next = 0;
        var rest = buffer[start..];
        var newline = rest.IndexOf((byte)'\n');
        if (newline < 0)
        {
            // A header line is short; a long one without its end is garbage, not a slow arrival.
            if (rest.Length > 64 && rest[0] != '+' && rest[0] != '-')
            {
                throw new InvalidDataException("reply header without an end");
            }
            return false;
        }
        if (newline < 2 || rest[newline - 1] != '\r')
        {
            throw new InvalidDataException("reply line not ended by CRLF");
        }
        line = rest[..(newline - 1)];
        next = start + newline + 1;
        return true;
    }

    private static long Integer(ReadOnlySpan<byte> text)
    {
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
        {
            throw new InvalidDataException("not an integer: " + Text(text));
        }
        return value;
    }

    private static string Text(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text);
}
