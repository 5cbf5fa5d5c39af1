using System.Reflection;
using System.Security.Cryptography;

namespace Chronos.Hypervisor.Storage;

/// <summary>One Lua script of Scripts/, with the shared prelude prepended, and its SHA1 (what EVALSHA names).</summary>
internal sealed class LuaScript
{
    private LuaScript(string name, string text)
    {
        Name = name;
        Text = text;
        Sha1 = SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        ShaHex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(Sha1));
    }

    public string Name { get; }

    public string Text { get; }

    public byte[] Sha1 { get; }

    /// <summary>The SHA1 as EVALSHA takes it: 40 lowercase hex digits, ASCII.</summary>
    public byte[] ShaHex { get; }

    /// <summary>The script with _prelude.lua, and _inodes.lua when it frees inodes or changes chunks, in front.</summary>
    public static LuaScript Load(string name, bool inodes = false)
    {
        var text = ReadResource("_prelude") + "\n" + (inodes ? ReadResource("_inodes") + "\n" : "") + ReadResource(name);
        return new LuaScript(name, text);
    }

    private static string ReadResource(string name)
    {
        var assembly = typeof(LuaScript).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Chronos.Hypervisor.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"embedded script {name}.lua is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>The scripts, loaded from the assembly once per process.</summary>
internal static class Scripts
{
    public static readonly LuaScript CreateWorld = LuaScript.Load("create_world");
    public static readonly LuaScript Mknod = LuaScript.Load("mknod", inodes: true);
    public static readonly LuaScript Remove = LuaScript.Load("remove", inodes: true);
    public static readonly LuaScript Rename = LuaScript.Load("rename", inodes: true);
    public static readonly LuaScript Link = LuaScript.Load("link");
    public static readonly LuaScript Write = LuaScript.Load("write", inodes: true);
    public static readonly LuaScript SetAttr = LuaScript.Load("setattr", inodes: true);
    public static readonly LuaScript ReadChunks = LuaScript.Load("read_chunks");
    public static readonly LuaScript Read = LuaScript.Load("read");
    public static readonly LuaScript Lookup = LuaScript.Load("lookup");
    public static readonly LuaScript ReadDir = LuaScript.Load("readdir");
    public static readonly LuaScript Xattr = LuaScript.Load("xattr");
    public static readonly LuaScript Handle = LuaScript.Load("handle", inodes: true);
    public static readonly LuaScript ReleaseAll = LuaScript.Load("release_all", inodes: true);
    public static readonly LuaScript Commit = LuaScript.Load("commit", inodes: true);
    public static readonly LuaScript Populate = LuaScript.Load("populate", inodes: true);
    public static readonly LuaScript Audit = LuaScript.Load("audit");
    public static readonly LuaScript Session = LuaScript.Load("session");

    public static IEnumerable<LuaScript> All =>
        typeof(Scripts).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (LuaScript)f.GetValue(null)!);
}
