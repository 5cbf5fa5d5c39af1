using Microsoft.Extensions.Logging;

namespace Chronos.AppHost.Orchestration;

/// <summary>Routes the AppHost's own log events through the <see cref="ConsoleSink"/> as <c>[apphost] ...</c>.</summary>
internal sealed class SinkLoggerProvider(ConsoleSink sink, LogLevel minimum) : ILoggerProvider
{
    public const string Source = "apphost";

    public ILogger CreateLogger(string categoryName) => new SinkLogger(sink, minimum);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(ConsoleSink sink, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var isError = logLevel >= LogLevel.Error;
            sink.WriteLine(Source, formatter(state, exception), isError);
            if (exception is not null && logLevel >= LogLevel.Error)
            {
                sink.WriteLine(Source, exception.ToString(), isError);
            }
        }
    }
}
