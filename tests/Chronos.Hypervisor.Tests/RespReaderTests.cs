using System.Text;
using Chronos.Hypervisor.Storage;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Tests;

/// <summary>
/// The script lane's reply parser: random reply trees survive being written and read back in
/// random pieces, a reply cut short is never taken for a whole one, and random or damaged bytes
/// give a result, "not yet", or InvalidDataException, never anything else.
/// </summary>
public sealed class RespReaderTests
{
    [Fact]
    public void Random_replies_read_back_from_random_pieces()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var replies = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomReply(random, 0)).ToList();
            var wire = replies.SelectMany(Write).ToArray();
            var read = new List<RedisResult>();
            var start = 0;
            var end = 0;
            while (end < wire.Length)
            {
                end = Math.Min(wire.Length, end + random.Next(1, 40));
                while (RespReader.TryRead(wire.AsSpan(start, end - start), out var result, out var consumed))
                {
                    Assert.True(consumed > 0);
                    start += consumed;
                    read.Add(result);
                }
            }
            Assert.Equal(wire.Length, start);
            Assert.Equal(replies.Select(Show), read.Select(Show));
        }
    }

    [Fact]
    public void A_reply_cut_short_is_not_yet_a_reply()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            var wire = Write(RandomReply(random, 0)).ToArray();
            for (var length = 0; length < wire.Length; length++)
            {
                Assert.False(RespReader.TryRead(wire.AsSpan(0, length), out _, out _), $"seed {seed}: {length} of {wire.Length} bytes read as a whole reply");
            }
            Assert.True(RespReader.TryRead(wire, out _, out var consumed));
            Assert.Equal(wire.Length, consumed);
        }
    }

    [Fact]
    public void Random_and_damaged_bytes_fail_cleanly()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            byte[] bytes;
            if (i % 2 == 0)
            {
                bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                if (bytes.Length > 0)
                {
                    bytes[0] = "+-:$*x"u8[random.Next(6)];
                }
            }
            else
            {
                bytes = Write(RandomReply(random, 0)).ToArray();
                for (var k = 0; k < 1 + random.Next(3); k++)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }
            }
            try
            {
                if (RespReader.TryRead(bytes, out var result, out var consumed))
                {
                    Assert.NotNull(result);
                    Assert.InRange(consumed, 1, bytes.Length);
                }
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Theory]
    [InlineData("*-1\r\n")]
    [InlineData("$-1\r\n")]
    public void Nil_replies_are_null(string wire)
    {
        Assert.True(RespReader.TryRead(Encoding.ASCII.GetBytes(wire), out var result, out _));
        Assert.True(result.IsNull);
    }

    [Theory]
    [InlineData("$5\r\nabcdefg\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("*-2\r\n")]
    [InlineData("?\r\n")]
    [InlineData("+ok\n")]
    public void Malformed_replies_are_refused(string wire) =>
        Assert.Throws<InvalidDataException>(() => RespReader.TryRead(Encoding.ASCII.GetBytes(wire), out _, out _));

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var wire = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", RespReader.MaxDepth + 1)) + ":1\r\n");
        Assert.Throws<InvalidDataException>(() => RespReader.TryRead(wire, out _, out _));
    }

    private static RedisResult RandomReply(Random random, int depth)
    {
        switch (random.Next(depth < 4 ? 7 : 5))
        {
            case 0:
                return RedisResult.Create((RedisValue)random.NextInt64(long.MinValue, long.MaxValue), ResultType.Integer);
            case 1:
                return RedisResult.Create((RedisValue)RandomText(random), ResultType.SimpleString);
            case 2:
                return RedisResult.Create((RedisValue)("ERR " + RandomText(random)), ResultType.Error);
            case 3:
                var bytes = new byte[random.Next(0, 300)];
                random.NextBytes(bytes);
                return RedisResult.Create((RedisValue)bytes, ResultType.BulkString);
            case 4:
                return RedisResult.Create(RedisValue.Null, ResultType.BulkString);
            case 5:
                return RedisResult.Create(Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomReply(random, depth + 1)).ToArray());
            default:
                return RedisResult.Create(RedisValue.Null, ResultType.Array);
        }
    }

    private static string RandomText(Random random) =>
        new(Enumerable.Range(0, random.Next(0, 20)).Select(_ => (char)random.Next(' ', '~' + 1)).ToArray());

    /// <summary>RESP2 as Redis writes it.</summary>
    private static IEnumerable<byte> Write(RedisResult reply)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        void Flush()
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(text.ToString()));
            text.Clear();
        }
        void Add(RedisResult r)
        {
            switch (r.Resp2Type)
            {
                case ResultType.Integer:
                    text.Append(':').Append((long)r).Append("\r\n");
                    break;
                case ResultType.SimpleString:
                    text.Append('+').Append((string?)r).Append("\r\n");
                    break;
                case ResultType.Error:
                    text.Append('-').Append(r.ToString()).Append("\r\n");
                    break;
                case ResultType.BulkString when r.IsNull:
                    text.Append("$-1\r\n");
                    break;
                case ResultType.BulkString:
                    var body = (byte[])r!;
                    text.Append('$').Append(body.Length).Append("\r\n");
                    Flush();
                    bytes.AddRange(body);
                    text.Append("\r\n");
                    break;
                case ResultType.Array when r.IsNull:
                    text.Append("*-1\r\n");
                    break;
                default:
                    var items = (RedisResult[])r!;
                    text.Append('*').Append(items.Length).Append("\r\n");
                    foreach (var item in items)
                    {
                        Add(item);
                    }
                    break;
            }
        }
        Add(reply);
        Flush();
        return bytes;
    }

    /// <summary>A reply as comparable text: type, and value or elements.</summary>
    internal static string Show(RedisResult r) => r.Resp2Type switch
    {
        ResultType.Array when r.IsNull => "*nil",
        ResultType.Array => "*[" + string.Join(",", ((RedisResult[])r!).Select(Show)) + "]",
        ResultType.BulkString when r.IsNull => "$nil",
        ResultType.BulkString => "$" + Convert.ToHexString((byte[])r!),
        ResultType.Error => "-" + r,
        _ => r.Resp2Type + ":" + r,
    };
}
