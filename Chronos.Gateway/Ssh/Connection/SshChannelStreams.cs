using System.IO.Pipelines;

namespace Chronos.Gateway.Ssh.Connection;

/// <summary>
/// A session channel as the program sees it: stdin (the client's CHANNEL_DATA, flow-controlled by
/// what the program reads), stdout and stderr (CHANNEL_DATA / EXTENDED_DATA 1, flow-controlled by
/// the client's window), plus window-change and signal notifications.
/// </summary>
public sealed class SshChannelStreams
{
    internal SshChannelStreams(PipeReader input, Stream output, Stream error)
    {
        Input = input;
        Output = output;
        Error = error;
    }

    /// <summary>Completes when the client sends EOF or closes the channel.</summary>
    public PipeReader Input { get; }

    public Stream Output { get; }

    public Stream Error { get; }

    /// <summary>window-change (RFC 4254 §6.7): columns, rows.</summary>
    public event Action<uint, uint>? WindowChanged;

    /// <summary>signal (RFC 4254 §6.9): the name without "SIG".</summary>
    public event Action<string>? SignalReceived;

    internal void RaiseWindowChanged(uint columns, uint rows) => WindowChanged?.Invoke(columns, rows);

    internal void RaiseSignal(string name) => SignalReceived?.Invoke(name);
}
