using Microsoft.Extensions.Logging;

namespace Chronos.Persona;

/// <summary>Every log event of Chronos.Persona.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "World {World} seeded from persona {Persona}: {Directories} directories, {Entries} entries, {Tokens} honeytokens")]
    public static partial void Seeded(ILogger logger, string world, string persona, int directories, int entries, int tokens);

    [LoggerMessage(2, LogLevel.Information, "World {World} was already seeded from persona {Persona}; nothing to do")]
    public static partial void AlreadySeeded(ILogger logger, string world, string persona);

    [LoggerMessage(3, LogLevel.Information, "World {World}: lazy directory {Path} populated with {Count} entries (won: {Won})")]
    public static partial void Populated(ILogger logger, string world, string path, int count, bool won);

    [LoggerMessage(4, LogLevel.Information, "World {World}: ghost {Path} (inode {Ino}) materialized by {Source}, {Bytes} bytes (won: {Won})")]
    public static partial void Materialized(ILogger logger, string world, string path, ulong ino, string source, long bytes, bool won);

    [LoggerMessage(5, LogLevel.Warning, "World {World}: LLM generation of {Path} fell back to the offline generator: {Reason}")]
    public static partial void LlmFallback(ILogger logger, string world, string path, string reason);

    [LoggerMessage(6, LogLevel.Warning, "World {World}: generation lock of inode {Ino} expired with the file still a ghost; taking over")]
    public static partial void LockTakeover(ILogger logger, string world, ulong ino);

    [LoggerMessage(7, LogLevel.Warning, "World {World}: inode {Ino} has origin '{Origin}', which is not a persona origin")]
    public static partial void NotPersonaOrigin(ILogger logger, string world, ulong ino, string? origin);

    [LoggerMessage(8, LogLevel.Warning, "World {World}: reference file {Path} is not the persona's own (changed since it was written); left out of the prompt")]
    public static partial void ReferenceRejected(ILogger logger, string world, string path);
}
