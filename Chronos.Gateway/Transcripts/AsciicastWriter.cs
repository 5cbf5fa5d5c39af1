using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Chronos.Gateway.Transcripts;

/// <summary>
/// Records one session's terminal as asciicast v2, as it happens. Output is decoded as UTF-8
/// statefully, so a character split across two reads stays one character; bytes that are not
/// UTF-8 become U+FFFD (asciicast is JSON text). Thread-safe: input and output arrive from
/// different loops.
/// </summary>
public sealed class AsciicastWriter : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Decoder _output = Encoding.UTF8.GetDecoder();
    private readonly Decoder _input = Encoding.UTF8.GetDecoder();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public AsciicastWriter(Stream stream, AsciicastHeader header)
    {
        _stream = stream;
        var line = JsonSerializer.SerializeToUtf8Bytes(header, AsciicastJsonContext.Default.AsciicastHeader);
        _stream.Write(line);
        _stream.WriteByte((byte)'\n');
    }

    public Task OutputAsync(ReadOnlyMemory<byte> data) => WriteAsync("o", _output, data);

    public Task InputAsync(ReadOnlyMemory<byte> data) => WriteAsync("i", _input, data);

    public Task ResizeAsync(int columns, int rows) =>
        WriteEventAsync("r", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{columns}x{rows}"));

    private Task WriteAsync(string code, Decoder decoder, ReadOnlyMemory<byte> data)
    {
        string text;
        lock (decoder)
        {
            var chars = new char[decoder.GetCharCount(data.Span, flush: false)];
            var count = decoder.GetChars(data.Span, chars, flush: false);
            text = new string(chars, 0, count);
        }
        return text.Length == 0 ? Task.CompletedTask : WriteEventAsync(code, text);
    }

    private async Task WriteEventAsync(string code, string data)
    {
        var time = _clock.Elapsed.TotalSeconds;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(Math.Round(time, 6));
            json.WriteStringValue(code);
            json.WriteStringValue(data);
            json.WriteEndArray();
        }
        buffer.GetSpan(1)[0] = (byte)'\n';
        buffer.Advance(1);

        await _gate.WaitAsync();
        try
        {
            await _stream.WriteAsync(buffer.WrittenMemory);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await _stream.FlushAsync();
            await _stream.DisposeAsync();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }
}
