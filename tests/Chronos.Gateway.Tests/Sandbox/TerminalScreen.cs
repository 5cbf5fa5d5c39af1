using System.Text;

namespace Chronos.Gateway.Tests.Sandbox;

/// <summary>Reads a terminal's output in the background and lets a test wait for text to appear.</summary>
public sealed class TerminalScreen : IDisposable
{
    private readonly StringBuilder _text = new();
    private readonly Stream _output;
    private readonly Task _pump;
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Func<ReadOnlyMemory<byte>, Task>? _tee;

    /// <param name="tee">Also gets every byte read, in order (a transcript recorder).</param>
    public TerminalScreen(Stream output, Func<ReadOnlyMemory<byte>, Task>? tee = null)
    {
        _output = output;
        _tee = tee;
        _pump = Task.Run(PumpAsync);
    }

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Waits until the output since <paramref name="from"/> contains <paramref name="expected"/>; returns the index after it.</summary>
    public async Task<int> WaitForAsync(string expected, int from = 0, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var text = Text;
            var at = text.IndexOf(expected, Math.Min(from, text.Length), StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + expected.Length;
            }
            try
            {
                await _changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{expected}' did not appear; the screen was:\n{text}");
            }
        }
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            int read;
            try
            {
                read = await _output.ReadAsync(buffer);
            }
            catch (IOException)
            {
                return; // EIO: the terminal hung up.
            }
            if (read == 0)
            {
                return;
            }
            if (_tee is not null)
            {
                await _tee(buffer.AsMemory(0, read));
            }
            var count = decoder.GetChars(buffer, 0, read, chars, 0);
            lock (_text)
            {
                _text.Append(chars, 0, count);
            }
            _changed.Release();
        }
    }

    /// <summary>Completes when the terminal hangs up.</summary>
    public Task Closed => _pump;

    public void Dispose() => _changed.Dispose();
}
