using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;

namespace Chronos.Persona.Planning;

/// <summary>Adds entries to a <see cref="WorldPlan"/> in the persona's terms (owners by name, times as instants).</summary>
internal sealed class PlanBuilder(WorldContext world, WorldPlan plan)
{
    public WorldContext World { get; } = world;

    public WorldPlan Plan { get; } = plan;

    public uint Uid(string user) => World.Persona.Users.FirstOrDefault(u => u.Name == user)?.Uid
        ?? throw new InvalidOperationException($"plan: no user {user}");

    public uint Gid(string group) => World.Persona.Groups.FirstOrDefault(g => g.Name == group)?.Gid
        ?? throw new InvalidOperationException($"plan: no group {group}");

    public static Timespec Time(DateTimeOffset t) => Timespec.FromUnixNanoseconds(t.ToUnixTimeMilliseconds() * 1_000_000L + (t.Ticks % 10_000) * 100);

    /// <summary>Creates every missing ancestor of <paramref name="path"/> (root-owned, 0755, from the install).</summary>
    public void Parents(string path)
    {
        var (parent, _) = WorldPlan.Split(path);
        if (parent == "/" || Plan.HasDirectory(parent))
        {
            return;
        }
        Parents(parent);
        Dir(parent);
    }

    public void Dir(string path, uint mode = 0x1ED, string owner = "root", string group = "root", DateTimeOffset? time = null)
    {
        Parents(path);
        Plan.Add(path, Entry(FileModes.S_IFDIR | mode, owner, group, time ?? World.InstalledAt, 0));
    }

    public void Text(string path, string content, uint mode = 0x1A4, string owner = "root", string group = "root", DateTimeOffset? time = null) =>
        Bytes(path, Encoding.UTF8.GetBytes(content), mode, owner, group, time);

    public void Bytes(string path, byte[] content, uint mode = 0x1A4, string owner = "root", string group = "root", DateTimeOffset? time = null)
    {
        Parents(path);
        Plan.Add(path, Entry(FileModes.S_IFREG | mode, owner, group, time ?? World.InstalledAt, content.Length) with { InlineContent = content });
    }

    /// <summary>A file whose bytes are generated on first read, with its size decided now.</summary>
    public void Ghost(string path, string generator, long size, uint mode = 0x1A4, string owner = "root", string group = "root", DateTimeOffset? time = null)
    {
        Parents(path);
        Plan.Add(path, Entry(FileModes.S_IFREG | mode, owner, group, time ?? World.InstalledAt, size) with
        {
            Content = ContentState.Ghost,
            Origin = new GhostOrigin(generator, path).ToString(),
        });
    }

    /// <summary>A ghost whose size is that of the offline generator's text (configs, keys: content with a natural length).</summary>
    public void NaturalGhost(string path, string generator, uint mode = 0x1A4, string owner = "root", string group = "root", DateTimeOffset? time = null)
    {
        var t = time ?? World.InstalledAt;
        var request = new GhostRequest(World, new GhostOrigin(generator, path), 0, t, Uid(owner), Gid(group));
        Ghost(path, generator, OfflineGenerator.NaturalSize(request), mode, owner, group, t);
    }

    public void Link(string path, string target, DateTimeOffset? time = null)
    {
        Parents(path);
        Plan.Add(path, Entry(FileModes.S_IFLNK | 0x1FF, "root", "root", time ?? World.InstalledAt, Encoding.UTF8.GetByteCount(target)) with { Target = target });
    }

    public void Lazy(string path, string generator, string owner, string group, uint mode = 0x1ED, DateTimeOffset? time = null)
    {
        Parents(path);
        Plan.Add(path, Entry(FileModes.S_IFDIR | mode, owner, group, time ?? World.InstalledAt, 0) with
        {
            Lazy = true,
            Origin = new GhostOrigin(generator, path).ToString(),
        });
    }

    public void Token(string value, string kind, string path) => Plan.Honeytokens.Add(new PlantedToken(value, kind, path));

    private DeclaredEntry Entry(uint mode, string owner, string group, DateTimeOffset time, long size) => new()
    {
        Name = "_",
        Mode = mode,
        Uid = Uid(owner),
        Gid = Gid(group),
        Size = size,
        Mtime = Time(time),
        Atime = Time(time),
        Ctime = Time(time),
    };
}
