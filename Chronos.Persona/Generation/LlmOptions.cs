namespace Chronos.Persona.Generation;

/// <summary>Chronos:Persona:Llm — which model fills ghost files. No ApiKey (and no Endpoint): offline only.</summary>
public sealed class LlmOptions
{
    public const string Section = "Chronos:Persona:Llm";

    /// <summary>openai (also every OpenAI-compatible server: set Endpoint) or anthropic.</summary>
    public string Provider { get; set; } = "openai";

    /// <summary>Base address, e.g. http://localhost:11434/v1 for Ollama; null for the provider's own.</summary>
    public string? Endpoint { get; set; }

    public string Model { get; set; } = "gpt-4o-mini";

    public string? ApiKey { get; set; }

    /// <summary>How long one generation may take before the offline generator answers instead.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Files larger than this are generated offline (an LLM answer is a few KiB; a 1 MB log is not worth the tokens).</summary>
    public int MaxBytes { get; set; } = 16 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(ApiKey) || (!string.IsNullOrWhiteSpace(Endpoint) && Provider == "openai");
}
