using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Chronos.Gateway.Ssh.Crypto;

/// <summary>One usable line of a moduli file. <see cref="Size"/> is the prime's real bit length (the file lists one less).</summary>
public sealed record ModuliEntry(string Timestamp, int Tests, int Tries, int Size, BigInteger Generator, BigInteger Prime)
{
    public DhGroup Group { get; } = new(Prime, Generator);
}

/// <summary>
/// The group-exchange primes of an OpenSSH moduli file (moduli(5): <c>time type tests tries size generator
/// modulus</c>, hex modulus, size listed as bits - 1), and OpenSSH's choice among them (dh.c choose_dh).
/// Serving Debian's stock /etc/ssh/moduli matters: scanners compare the moduli a server offers with the stock
/// file, and ssh-audit checks their size.
/// </summary>
/// <remarks>
/// Lines are accepted exactly when OpenSSH's parse_prime accepts them: type 2 (safe prime), a tests field
/// without the composite bit (0x01) and with some other bit, tries 1..2^30, size 1..65536, generator > 1, a hex
/// prime whose bit length is the listed size + 1, and exactly seven space-separated fields. Other lines are
/// skipped and counted in <see cref="RejectedLines"/>, as sshd logs and skips them. A missing file is an empty
/// file: every request then gets the RFC 3526 fallback, as in OpenSSH.
/// </remarks>
public sealed class ModuliFile
{
    public const string DefaultPath = "/etc/ssh/moduli";

    /// <summary>OpenSSH's DH_GRP_MIN and DH_GRP_MAX (dh.h).</summary>
    public const int GroupMinBits = 2048;
    public const int GroupMaxBits = 8192;

    private const int SafePrimeType = 2;
    private const int CompositeTestFlag = 0x01;

    private ModuliFile(IReadOnlyList<ModuliEntry> entries, int rejectedLines)
    {
        Entries = entries;
        RejectedLines = rejectedLines;
    }

    public IReadOnlyList<ModuliEntry> Entries { get; }

    public int RejectedLines { get; }

    public static ModuliFile Load(string path = DefaultPath) =>
        File.Exists(path) ? Parse(File.ReadAllText(path)) : new ModuliFile([], 0);

    public static ModuliFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<ModuliEntry>();
        var rejected = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.TrimStart(' ', '\t');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }
            var entry = ParseLine(trimmed);
            if (entry is null)
            {
                rejected++;
            }
            else
            {
                entries.Add(entry);
            }
        }
        return new ModuliFile(entries, rejected);
    }

    private static ModuliEntry? ParseLine(string line)
    {
        var fields = line.Split(' ');
        if (fields.Length != 7 || fields.Any(f => f.Length == 0))
        {
            return null;
        }
        if (!TryParseDecimal(fields[1], 5, out var type) || type != SafePrimeType)
        {
            return null;
        }
        if (!TryParseDecimal(fields[2], 0x1f, out var tests) || (tests & CompositeTestFlag) != 0 || (tests & ~CompositeTestFlag) == 0)
        {
            return null;
        }
        if (!TryParseDecimal(fields[3], 1 << 30, out var tries) || tries == 0)
        {
            return null;
        }
        if (!TryParseDecimal(fields[4], 64 * 1024, out var listedSize) || listedSize == 0)
        {
            return null;
        }
        if (!TryParseHex(fields[5], out var generator) || !TryParseHex(fields[6], out var prime))
        {
            return null;
        }
        var size = listedSize + 1; // "The whole group is one bit larger" (dh.c)
        if (prime.GetBitLength() != size || generator <= 1)
        {
            return null;
        }
        return new ModuliEntry(fields[0], tests, tries, size, generator, prime);
    }

    private static bool TryParseDecimal(string s, int max, out int value)
    {
        value = 0;
        if (s.Length > 10 || !s.All(char.IsAsciiDigit))
        {
            return false;
        }
        var parsed = long.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture);
        if (parsed > max)
        {
            return false;
        }
        value = (int)parsed;
        return true;
    }

    private static bool TryParseHex(string s, out BigInteger value)
    {
        value = default;
        // 64 Kbit primes at most (the size field's limit), so a hostile line cannot make a huge number.
        if (s.Length > 16 * 1024 || !s.All(char.IsAsciiHexDigit))
        {
            return false;
        }
        value = BigInteger.Parse("0" + s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>
    /// OpenSSH's choose_dh(min, wantbits, max): scanning the file in order, the "best" size is replaced by a size
    /// that is larger than wanted but smaller than the best so far, or larger than the best while the best is
    /// still below what is wanted; then one of the entries of that size is taken uniformly at random. No entry
    /// in [min, max]: the fallback group for max.
    /// </summary>
    public DhGroup Choose(int min, int wantBits, int max)
    {
        var best = 0;
        var bestCount = 0;
        foreach (var entry in Entries)
        {
            if (entry.Size > max || entry.Size < min)
            {
                continue;
            }
            if ((entry.Size > wantBits && entry.Size < best) || (entry.Size > best && best < wantBits))
            {
                best = entry.Size;
                bestCount = 0;
            }
            if (entry.Size == best)
            {
                bestCount++;
            }
        }
        if (bestCount == 0)
        {
            return DiffieHellmanGroups.Fallback(max);
        }
        var which = RandomNumberGenerator.GetInt32(bestCount);
        foreach (var entry in Entries)
        {
            if (entry.Size >= min && entry.Size <= max && entry.Size == best && which-- == 0)
            {
                return entry.Group;
            }
        }
        throw new InvalidOperationException("unreachable: counted entry not found");
    }

    /// <summary>
    /// What sshd does with SSH_MSG_KEX_DH_GEX_REQUEST (kexgexs.c): reject an inconsistent request, clamp min, n and
    /// max to 2048..8192, then <see cref="Choose"/>.
    /// </summary>
    /// <exception cref="SshKexException">max &lt; min, n &lt; min, max &lt; n, or max &lt; 2048 (SSH_ERR_DH_GEX_OUT_OF_RANGE).</exception>
    public DhGroup ChooseForRequest(uint min, uint wantBits, uint max)
    {
        if (max < min || wantBits < min || max < wantBits || max < GroupMinBits)
        {
            throw new SshKexException($"DH_GEX_REQUEST out of range: {min} <= {wantBits} <= {max}");
        }
        var clampedMin = (int)Math.Max(GroupMinBits, min);
        var clampedMax = (int)Math.Min(GroupMaxBits, max);
        var clampedWant = (int)Math.Min(GroupMaxBits, Math.Max(GroupMinBits, wantBits));
        return Choose(clampedMin, clampedWant, clampedMax);
    }
}
