namespace Chronos.Persona.Planning;

/// <summary>
/// When each log of a world was rotated, and so which span of time each file covers: the
/// planner uses it for mtimes and sizes, the generator for the timestamps inside, so a file's
/// last line is at its mtime and <c>auth.log.1</c> ends where <c>auth.log</c> begins.
/// </summary>
public static class LogSchedule
{
    /// <summary>How often logrotate rotates each generator's log, as Debian and Ubuntu configure it.</summary>
    public static TimeSpan Period(string generator, bool debian) => generator switch
    {
        Generators.Syslog when !debian => TimeSpan.FromDays(1),
        Generators.NginxAccess or Generators.NginxError or Generators.MysqlError => TimeSpan.FromDays(1),
        Generators.DpkgLog or Generators.Wtmp or Generators.Btmp => TimeSpan.FromDays(30),
        _ => TimeSpan.FromDays(7),
    };

    /// <summary>The last rotation before the world's seeding: logrotate.timer fires at local midnight (weekly: the night to Monday).</summary>
    public static DateTimeOffset LastRotation(WorldContext world, string generator)
    {
        var period = Period(generator, world.Persona.IsDebian);
        var local = world.Local(world.SeededAt);
        var midnight = local.Date;
        if (period == TimeSpan.FromDays(7))
        {
            midnight = midnight.AddDays(-(((int)midnight.DayOfWeek + 6) % 7));
        }
        else if (period == TimeSpan.FromDays(30))
        {
            midnight = new DateTime(midnight.Year, midnight.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        }
        var offset = world.Zone.GetUtcOffset(midnight);
        // logrotate.timer has RandomizedDelaySec=1h; a fixed per-world delay keeps all logs consistent.
        var delay = TimeSpan.FromSeconds(world.Random("logrotate-delay").Next(20, 3000));
        var rotation = new DateTimeOffset(midnight, offset) + delay;
        return rotation >= world.SeededAt ? rotation - period : rotation;
    }

    /// <summary>The span of time the file with this rotation index covers (0 = the live log, 1 = .1, ...).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(WorldContext world, string generator, int index)
    {
        var period = Period(generator, world.Persona.IsDebian);
        var last = LastRotation(world, generator);
        if (index == 0)
        {
            return (last, world.SeededAt);
        }
        var to = last - (period * (index - 1));
        return (to - period, to);
    }

    /// <summary>Rotation index from a log's file name: access.log → 0, access.log.1 → 1, access.log.3.gz → 3.</summary>
    public static int IndexOf(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }
        var dot = name.LastIndexOf('.');
        return dot > 0 && int.TryParse(name.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) ? index : 0;
    }
}
