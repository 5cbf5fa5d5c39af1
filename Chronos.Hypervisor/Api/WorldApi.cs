using Chronos.Hypervisor.Api;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The read-only world browser: <c>/api/worlds/...</c>, and the dashboard at <c>/</c>.</summary>
public static class WorldApi
{
    /// <summary>problem+json for every error, and 503 (not 500) when Redis does not answer.</summary>
    public static TBuilder AddWorldApi<TBuilder>(this TBuilder builder) where TBuilder : Microsoft.Extensions.Hosting.IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<RedisUnavailableHandler>();
        return builder;
    }

    public static IEndpointRouteBuilder MapWorldApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var worlds = app.MapGroup("/api/worlds");
        worlds.MapGet("/", WorldEndpoints.ListAsync);
        worlds.MapGet("/{world}", WorldEndpoints.GetAsync);
        worlds.MapGet("/{world}/fs", FileSystemEndpoint.GetAsync);
        worlds.MapGet("/{world}/audit", WorldEndpoints.AuditAsync);
        worlds.MapGet("/{world}/sessions", WorldEndpoints.SessionsAsync);
        worlds.MapGet("/{world}/fsck", WorldEndpoints.FsckAsync);
        return app;
    }

    /// <summary>GET / : one static page that polls the API every 2 s (worlds, sessions, audit tail).</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/", () => Results.Content(Dashboard.Html, "text/html; charset=utf-8"));
        return app;
    }
}
