using Chronos.Persona.Planning;

namespace Chronos.Persona.Generation;

/// <summary>What a generator knows about the file it fills: the world, the planned path and generator, and the metadata the persona already decided.</summary>
public sealed record GhostRequest(WorldContext World, GhostOrigin Origin, long Size, DateTimeOffset Mtime, uint Uid, uint Gid)
{
    public string Path => Origin.Path;

    public string FileName => Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>A stream of choices for this file only, so files do not change when others are added.</summary>
    public SeededRandom Random(string purpose = "") => World.Random($"content:{Origin}:{purpose}");

    public Model.UserAccount? Owner => World.Persona.UserById(Uid);
}

/// <summary>Bytes ready to commit, and where they came from (for the audit and the operator).</summary>
public sealed record GeneratedContent(byte[] Bytes, string Source, IReadOnlyList<PlantedToken> Tokens, string? FallbackReason = null)
{
    public const string Offline = "offline";
    public const string Llm = "llm";
}
