using System.Text.Json.Serialization;

namespace Chronos.Gateway.Transcripts;

/// <summary>
/// asciicast v2 (the format `asciinema play` replays): one JSON header line, then one JSON array
/// per event: [seconds since start, code, data]. Codes: "o" output, "i" input, "r" resize
/// ("COLSxROWS"), "m" marker.
/// </summary>
public sealed record AsciicastHeader
{
    [JsonPropertyName("version")]
    public int Version { get; init; } = 2;

    [JsonPropertyName("width")]
    public required int Width { get; init; }

    [JsonPropertyName("height")]
    public required int Height { get; init; }

    /// <summary>Unix seconds of the session's start.</summary>
    [JsonPropertyName("timestamp")]
    public long Timestamp { get; init; }

    [JsonPropertyName("title")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; init; }

    [JsonPropertyName("env")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
}

public readonly record struct AsciicastEvent(double Time, string Code, string Data);

[JsonSerializable(typeof(AsciicastHeader))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class AsciicastJsonContext : JsonSerializerContext;
