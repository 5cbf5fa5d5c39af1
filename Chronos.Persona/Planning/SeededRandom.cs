using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Chronos.Persona.Planning;

/// <summary>
/// A deterministic stream of choices for one purpose in one world: xoshiro256** seeded from
/// SHA-256(world seed, purpose). System.Random's seeded algorithm is not promised to stay the same
/// across .NET versions, and a world must look the same after an upgrade, so the generator is ours.
/// Not for secrets that protect anything (host keys are drawn from the OS RNG).
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SeededRandom(ulong worldSeed, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        Span<byte> input = stackalloc byte[8 + Encoding.UTF8.GetMaxByteCount(purpose.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(input, worldSeed);
        var length = 8 + Encoding.UTF8.GetBytes(purpose, input[8..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..length], hash);
        _s0 = BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _s1 = BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        _s2 = BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]);
        _s3 = BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]) | 1;
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, max).</summary>
    public int Next(int max) => max <= 0 ? throw new ArgumentOutOfRangeException(nameof(max)) : (int)(NextUInt64() % (ulong)max);

    /// <summary>Uniform in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public long NextLong(long min, long max) => max <= min ? min : min + (long)(NextUInt64() % (ulong)(max - min));

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public void Fill(Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)NextUInt64();
        }
    }

    public string Hex(int chars)
    {
        const string digits = "0123456789abcdef";
        var s = new char[chars];
        for (var i = 0; i < chars; i++)
        {
            s[i] = digits[Next(16)];
        }
        return new string(s);
    }

    /// <summary>Characters from <paramref name="alphabet"/>.</summary>
    public string Token(int chars, string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    {
        var s = new char[chars];
        for (var i = 0; i < chars; i++)
        {
            s[i] = alphabet[Next(alphabet.Length)];
        }
        return new string(s);
    }

    public DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        to <= from ? from : from.AddTicks(NextLong(0, (to - from).Ticks));

    /// <summary>A world's seed: the persona's seed mixed with the world's name, so two worlds of one persona differ.</summary>
    public static ulong WorldSeed(ulong personaSeed, string world) => new SeededRandom(personaSeed, "world:" + world).NextUInt64();
}
