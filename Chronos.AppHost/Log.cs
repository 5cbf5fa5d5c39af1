using Microsoft.Extensions.Logging;

namespace Chronos.AppHost;

/// <summary>The AppHost's own log events, shown as <c>[apphost] ...</c>.</summary>
internal sealed partial class Log
{
    private readonly ILogger _logger;

    public Log(ILogger logger) => _logger = logger;

    [LoggerMessage(1, LogLevel.Information, "starting {Name}: {Command}")]
    public partial void Starting(string name, string command);

    [LoggerMessage(2, LogLevel.Information, "{Name} is ready ({Endpoint})")]
    public partial void Ready(string name, string endpoint);

    [LoggerMessage(3, LogLevel.Information, "{Name} is external ({Endpoint}): not started")]
    public partial void External(string name, string endpoint);

    [LoggerMessage(4, LogLevel.Information, "stopping {Name}")]
    public partial void Stopping(string name);

    [LoggerMessage(5, LogLevel.Information, "{Name} stopped (exit code {Code})")]
    public partial void Stopped(string name, int code);

    [LoggerMessage(6, LogLevel.Error, "{Name} exited unexpectedly with code {Code}")]
    public partial void ExitedUnexpectedly(string name, int code);

    [LoggerMessage(7, LogLevel.Error, "start failed: {Reason}")]
    public partial void StartFailed(string reason);

    [LoggerMessage(8, LogLevel.Warning, "second stop signal: killing every child now")]
    public partial void Forced();

    [LoggerMessage(9, LogLevel.Information, "initializing PostgreSQL data directory {Directory}")]
    public partial void InitializingPostgres(string directory);

    [LoggerMessage(10, LogLevel.Information, "{Name} is not built: building {Project}")]
    public partial void Building(string name, string project);

    [LoggerMessage(11, LogLevel.Information, "stopped everything")]
    public partial void StoppedEverything();

    [LoggerMessage(12, LogLevel.Warning, "redis-server on port {Port} exited with code {Code} (port taken?); trying another port")]
    public partial void RedisPortRetry(int port, int code);
}
