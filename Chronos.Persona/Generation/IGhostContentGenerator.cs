namespace Chronos.Persona.Generation;

/// <summary>
/// Produces a ghost file's bytes. Implementations: <see cref="OfflineGenerator"/> (always
/// available, deterministic) and <see cref="LlmGenerator"/> (an IChatClient). The
/// <see cref="ContentPipeline"/> fits, checks and falls back; a generator may return any length.
/// </summary>
public interface IGhostContentGenerator
{
    string Name { get; }

    /// <param name="references">Files the persona itself wrote that the new file must agree with (never attacker-written).</param>
    ValueTask<GeneratedContent> GenerateAsync(GhostRequest request, IReadOnlyList<ReferenceFile> references, CancellationToken cancellationToken);
}

/// <summary>A persona-written file's path and text, given to a generator as context.</summary>
public sealed record ReferenceFile(string Path, string Text);
