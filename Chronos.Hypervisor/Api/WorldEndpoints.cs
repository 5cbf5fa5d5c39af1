using System.Text.RegularExpressions;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.Sessions;
using Chronos.Hypervisor.Worlds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chronos.Hypervisor.Api;

/// <summary>The world-level endpoints: catalog, info and usage, audit, sessions, fsck.</summary>
internal static partial class WorldEndpoints
{
    public const int MaxAuditCount = 1000;

    public static async Task<Ok<IReadOnlyList<WorldInfo>>> ListAsync(WorldCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.ListAsync(cancellationToken));

    public static async Task<IResult> GetAsync(string world, WorldCatalog catalog, CancellationToken cancellationToken)
    {
        if (!WorldCatalog.IsValidName(world))
        {
            return Problems.BadWorldName(world);
        }
        return await catalog.GetAsync(world, cancellationToken) is { } info ? TypedResults.Ok(info) : Problems.UnknownWorld(world);
    }

    /// <summary>Events after the stream id <paramref name="after"/> (exclusive), oldest first; <c>next</c> is the id to pass to read on.</summary>
    public static async Task<IResult> AuditAsync(string world, string? after, string? count, WorldCatalog catalog, AuditLog audit, CancellationToken cancellationToken)
    {
        if (await CheckWorldAsync(world, catalog, cancellationToken) is { } missing)
        {
            return missing;
        }
        after ??= "0";
        if (!StreamId().IsMatch(after))
        {
            return Problems.BadRequest("Invalid audit position", $"after must be a stream id such as 0 or 1700000000000-0, not '{after}'");
        }
        var n = 100;
        if (count is not null && (!int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n) || n is < 1 or > MaxAuditCount))
        {
            return Problems.BadRequest("Invalid count", $"count is an integer from 1 to {MaxAuditCount}, not '{count}'");
        }
        var events = await audit.ReadAsync(world, after, n, cancellationToken);
        return TypedResults.Ok(new AuditPage(world, events, events.Count > 0 ? events[^1].Id : after));
    }

    public static async Task<IResult> SessionsAsync(string world, WorldCatalog catalog, SessionStore sessions, CancellationToken cancellationToken)
    {
        if (await CheckWorldAsync(world, catalog, cancellationToken) is { } missing)
        {
            return missing;
        }
        return TypedResults.Ok(await sessions.ListAsync(world, cancellationToken));
    }

    public static async Task<IResult> FsckAsync(string world, WorldCatalog catalog, CancellationToken cancellationToken)
    {
        if (await CheckWorldAsync(world, catalog, cancellationToken) is { } missing)
        {
            return missing;
        }
        return TypedResults.Ok(await catalog.FsckAsync(world, cancellationToken));
    }

    /// <summary>Null when the world exists; otherwise the 400 (bad name) or 404 to return.</summary>
    public static async Task<ProblemHttpResult?> CheckWorldAsync(string world, WorldCatalog catalog, CancellationToken cancellationToken)
    {
        if (!WorldCatalog.IsValidName(world))
        {
            return Problems.BadWorldName(world);
        }
        return await catalog.GetAsync(world, cancellationToken) is null ? Problems.UnknownWorld(world) : null;
    }

    /// <summary>A Redis stream id: milliseconds, optionally "-sequence".</summary>
    [GeneratedRegex(@"^\d{1,20}(-\d{1,20})?$")]
    private static partial Regex StreamId();
}

public sealed record AuditPage(string World, IReadOnlyList<AuditEvent> Events, string Next);
