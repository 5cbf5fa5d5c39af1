using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>Keeps every log entry in memory, so a test can read what the Gateway said about a failure.</summary>
public sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue(new LogEntry(logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

public sealed record LogEntry(LogLevel Level, int EventId, string Message, Exception? Exception);
