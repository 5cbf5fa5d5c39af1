using System.Globalization;
using System.Numerics;
using Chronos.Gateway.Ssh.Crypto;

namespace Chronos.Gateway.Ssh.Algorithms;

/// <summary>
/// /etc/ssh/moduli (moduli(5)) and sshd's choice among them (dh.c choose_dh): clamp the request
/// to [2048, 8192], take the smallest size at or above the preferred one that fits [min, max],
/// pick one of that size at random; with no file, fall back to the RFC 3526 group that fits.
/// </summary>
internal sealed class ModuliFile
{
    public const int MinBits = 2048;
    public const int MaxBits = 8192;

    private readonly IReadOnlyList<DhGroup> _groups;

    public ModuliFile(IReadOnlyList<DhGroup> groups) => _groups = groups;

    public int Count => _groups.Count;

    public static ModuliFile Load(string path) => File.Exists(path) ? Parse(File.ReadLines(path)) : new ModuliFile([]);

    public static ModuliFile Parse(IEnumerable<string> lines)
    {
        var groups = new List<DhGroup>();
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // time type tests tries size generator modulus; type 2 = safe prime, tests bit 0x4 = Miller-Rabin.
            if (fields.Length != 7 || fields[1] != "2" ||
                !int.TryParse(fields[2], CultureInfo.InvariantCulture, out var tests) || (tests & 0x4) == 0 ||
                !int.TryParse(fields[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var generator) ||
                !BigInteger.TryParse("0" + fields[6], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var prime))
            {
                continue;
            }
            groups.Add(new DhGroup(prime, generator));
        }
        return new ModuliFile(groups);
    }

    public DhGroup Choose(uint min, uint preferred, uint max)
    {
        var low = (int)Math.Max(min, MinBits);
        var high = (int)Math.Min(max, MaxBits);
        var wanted = Math.Min(Math.Max(low, (int)Math.Min(preferred, int.MaxValue)), high);
        var fitting = _groups.Where(g => g.PrimeBits >= low && g.PrimeBits <= high).ToList();
        var atLeast = fitting.Where(g => g.PrimeBits >= wanted).ToList();
        var candidates = atLeast.Count > 0 ? atLeast : fitting;
        if (candidates.Count > 0)
        {
            var size = atLeast.Count > 0 ? atLeast.Min(g => g.PrimeBits) : fitting.Max(g => g.PrimeBits);
            var sized = candidates.Where(g => g.PrimeBits == size).ToList();
            return sized[System.Security.Cryptography.RandomNumberGenerator.GetInt32(sized.Count)];
        }
        // dh_new_group_fallback: the largest built-in group not above max.
        return high >= 8192 ? DiffieHellmanGroups.Group18 : high >= 4096 ? DiffieHellmanGroups.Group16 : DiffieHellmanGroups.Group14;
    }
}
