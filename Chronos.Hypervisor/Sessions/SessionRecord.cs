namespace Chronos.Hypervisor.Sessions;

/// <summary>One attacker session in a world: who, from where, since when, and where the shell stands.</summary>
public sealed record SessionRecord(string Id, string World, string User, string SourceAddress, DateTimeOffset Started)
{
    public string Cwd { get; init; } = "/";

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public DateTimeOffset? Ended { get; init; }
}
