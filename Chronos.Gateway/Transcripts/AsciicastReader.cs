using System.Text.Json;

namespace Chronos.Gateway.Transcripts;

public sealed class AsciicastFormatException(string message, Exception? inner = null) : FormatException(message, inner);

/// <summary>Reads an asciicast v2 recording back (for replay checks and the analysts' API).</summary>
public static class AsciicastReader
{
    /// <summary>Parses a whole recording; malformed input throws <see cref="AsciicastFormatException"/> naming the line.</summary>
    public static (AsciicastHeader Header, IReadOnlyList<AsciicastEvent> Events) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        AsciicastHeader header;
        try
        {
            header = JsonSerializer.Deserialize(lines[0], AsciicastJsonContext.Default.AsciicastHeader)
                ?? throw new AsciicastFormatException("line 1: empty header");
        }
        catch (JsonException ex)
        {
            throw new AsciicastFormatException("line 1: the header is not asciicast JSON", ex);
        }
        if (header.Version != 2)
        {
            throw new AsciicastFormatException($"line 1: version {header.Version}, expected 2");
        }

        var events = new List<AsciicastEvent>();
        var last = 0.0;
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            try
            {
                using var document = JsonDocument.Parse(lines[i]);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != 3)
                {
                    throw new AsciicastFormatException($"line {i + 1}: an event is [time, code, data]");
                }
                var time = root[0].GetDouble();
                var code = root[1].GetString() ?? "";
                var data = root[2].GetString() ?? "";
                if (time < last || double.IsNaN(time))
                {
                    throw new AsciicastFormatException($"line {i + 1}: time goes backwards");
                }
                last = time;
                events.Add(new AsciicastEvent(time, code, data));
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException and not AsciicastFormatException)
            {
                throw new AsciicastFormatException($"line {i + 1}: not an asciicast event", ex);
            }
        }
        return (header, events);
    }

    /// <summary>Everything the client saw, in order.</summary>
    public static string Output(IEnumerable<AsciicastEvent> events) =>
        string.Concat(events.Where(e => e.Code == "o").Select(e => e.Data));
}
