using System.Globalization;
using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>
/// The common shape of a log generator: walk the file's time window backwards minute by minute,
/// emitting that minute's events (scheduled ones such as cron runs, plus random ones at the rate
/// the declared size implies), until the size is reached; the oldest gap is closed with filler
/// lines stamped just before the oldest event. The last line is at the file's mtime.
/// </summary>
internal abstract class LogWriter
{
    protected static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Typical line length, to set the event rate from the declared size.</summary>
    protected abstract double AverageLine { get; }

    /// <summary>Events of one minute, in time order; <paramref name="rate"/> is the expected random events per minute.</summary>
    protected abstract IEnumerable<string> Minute(GhostRequest request, DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random);

    /// <summary>True when every line starts with its timestamp, so sorting a minute's lines orders them in time.</summary>
    protected virtual bool StampFirst => true;

    /// <summary>Lines of an exact length stamped at <paramref name="at"/>.</summary>
    protected abstract Filler Filler(GhostRequest request, DateTimeOffset at);

    public byte[] Write(GhostRequest request, long size) => Write(request, size, []);

    /// <summary>
    /// Like <see cref="Write(GhostRequest, long)"/>, with <paramref name="newest"/> (already checked
    /// lines from another generator, oldest first) as the end of the file; the offline lines before
    /// them start where their share of the window begins.
    /// </summary>
    public byte[] Write(GhostRequest request, long size, IReadOnlyList<string> newest)
    {
        var world = request.World;
        var (from, to) = LogSchedule.Window(world, request.Origin.Generator, LogSchedule.IndexOf(request.Path));
        if (request.Mtime < to)
        {
            to = request.Mtime;
        }
        if (from >= to)
        {
            from = to.AddHours(-1);
        }
        var minutes = Math.Max((to - from).TotalMinutes, 1);
        var rate = Math.Max(size / AverageLine / minutes, 0.0005);
        var random = request.Random("log");
        var oldest = to;
        if (newest.Count > 0)
        {
            var share = Math.Min(1.0, newest.Sum(l => (double)l.Length) / Math.Max(size, 1));
            to -= TimeSpan.FromMinutes(minutes * share);
        }
        IEnumerable<string> NewestFirst()
        {
            for (var i = newest.Count - 1; i >= 0; i--)
            {
                yield return newest[i];
            }
            var minute = new DateTimeOffset(to.Year, to.Month, to.Day, to.Hour, to.Minute, 0, to.Offset);
            // Past the window's start the log keeps going back (a busier file than planned) at the same rate.
            for (var steps = 0; steps < 5_000_000; steps++, minute = minute.AddMinutes(-1))
            {
                var lines = Minute(request, minute, to, rate, random).ToList();
                if (StampFirst)
                {
                    lines.Sort(StringComparer.Ordinal);
                }
                for (var i = lines.Count - 1; i >= 0; i--)
                {
                    yield return lines[i];
                }
                oldest = minute;
            }
        }
        return TextFitter.Backward(size, NewestFirst(), () => Filler(request, oldest.AddSeconds(-random.Next(1, 50))), request.Random("fill"));
    }

    /// <summary>Random instants within a minute, sorted, none after <paramref name="end"/>.</summary>
    protected static IEnumerable<DateTimeOffset> Instants(DateTimeOffset minute, DateTimeOffset end, double rate, SeededRandom random)
    {
        var count = Poisson(rate, random);
        var seconds = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            seconds.Add(random.NextDouble() * 60);
        }
        seconds.Sort();
        foreach (var s in seconds)
        {
            var at = minute.AddSeconds(s);
            if (at <= end)
            {
                yield return at;
            }
        }
    }

    protected static int Poisson(double lambda, SeededRandom random)
    {
        if (lambda > 30)
        {
            // Normal approximation: exact enough for line counts.
            var u1 = 1 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Max(0, (int)Math.Round(lambda + (z * Math.Sqrt(lambda))));
        }
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }
        return k;
    }

    /// <summary>A public IPv4 address outside private, loopback, multicast and documentation ranges.</summary>
    public static string PublicAddress(SeededRandom random)
    {
        while (true)
        {
            var a = random.Next(1, 224);
            if (a is 10 or 127 or 100 or 169 or 172 or 192 or 198 or 203 or 0)
            {
                continue;
            }
            return $"{a}.{random.Next(0, 256)}.{random.Next(0, 256)}.{random.Next(1, 255)}";
        }
    }

    /// <summary>An address of exactly <paramref name="length"/> characters (7..15), for fillers.</summary>
    public static string AddressOfLength(int length, SeededRandom random)
    {
        var digits = length - 3;
        var counts = new[] { 1, 1, 1, 1 };
        for (var extra = digits - 4; extra > 0; extra--)
        {
            var i = random.Next(4);
            while (counts[i] == 3)
            {
                i = (i + 1) % 4;
            }
            counts[i]++;
        }
        if (counts[0] == 1)
        {
            // A one-digit first octet is a private or reserved block more often than not; move a digit.
            var j = Array.FindIndex(counts, 1, c => c > 1);
            if (j > 0)
            {
                counts[j]--;
                counts[0]++;
            }
        }
        string Octet(int n) => n switch { 1 => random.Next(1, 10).ToString(Inv), 2 => random.Next(10, 100).ToString(Inv), _ => random.Next(100, 224).ToString(Inv) };
        var first = counts[0] switch { 1 => "8", 2 => random.Pick(new[] { "45", "46", "61", "77", "85", "91", "94", "95" }), _ => random.Pick(new[] { "103", "109", "117", "139", "141", "152", "159", "185", "193", "212", "218" }) };
        return $"{first}.{Octet(counts[1])}.{Octet(counts[2])}.{Octet(counts[3])}";
    }
}
