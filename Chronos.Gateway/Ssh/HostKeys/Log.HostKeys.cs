using Microsoft.Extensions.Logging;

namespace Chronos.Gateway;

internal static partial class Log
{
    [LoggerMessage(150, LogLevel.Information, "SSH host keys of world {World} come from its /etc/ssh: {Algorithms}")]
    public static partial void HostKeysFromWorld(ILogger logger, string world, string algorithms);

    [LoggerMessage(151, LogLevel.Warning, "World {World} has no usable /etc/ssh/ssh_host_*_key ({Reason}): host keys come from {Directory}")]
    public static partial void HostKeysFallback(ILogger logger, string world, string reason, string directory);

    [LoggerMessage(152, LogLevel.Warning, "World {World}: /etc/ssh/{File} is not a usable host key")]
    public static partial void HostKeyUnusable(ILogger logger, Exception exception, string world, string file);
}
