using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Model;
using Chronos.Persona.Origin;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>The Persona service's HTTP API: personas, seeding, and the content origin's two verbs for remote mounts.</summary>
public static class PersonaEndpoints
{
    private const string ClientId = "persona-service";

    public static IEndpointRouteBuilder MapPersonaApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        api.MapGet("/personas", (PersonaCatalog catalog) => catalog.All
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new { p.Name, p.Description, p.Hostname, p.Domain, Os = p.Os.PrettyName, Kernel = p.Kernel.Release, p.Ssh.Banner, p.Ssh.WireProfile }));

        api.MapPost("/worlds/{world}/seed", async (string world, string persona, PersonaCatalog catalog, WorldCatalog worlds, WorldSeeder seeder, CancellationToken ct) =>
        {
            var p = catalog.Find(persona);
            if (p is null)
            {
                return Results.Problem($"no persona named '{persona}'", statusCode: StatusCodes.Status400BadRequest);
            }
            if (await worlds.GetAsync(world, ct) is null)
            {
                return Results.Problem($"no world named '{world}'", statusCode: StatusCodes.Status404NotFound);
            }
            try
            {
                return Results.Ok(await seeder.SeedAsync(worlds.Open(world, ClientId), p, cancellationToken: ct));
            }
            catch (PersonaException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
            }
        });

        api.MapPost("/worlds/{world}/materialize/{ino}", (string world, ulong ino, WorldCatalog worlds, PersonaContentOrigin origin, CancellationToken ct) =>
            OnInodeAsync(worlds, world, ino, (fs, attributes) => origin.MaterializeAsync(fs, attributes, ct), ct));

        api.MapPost("/worlds/{world}/populate/{ino}", (string world, ulong ino, WorldCatalog worlds, PersonaContentOrigin origin, CancellationToken ct) =>
            OnInodeAsync(worlds, world, ino, (fs, attributes) => origin.PopulateAsync(fs, attributes, ct), ct));

        // The value goes in the body, so planted secrets do not end up in access logs.
        api.MapPost("/worlds/{world}/honeytokens/match", async (string world, HoneytokenQuery query, HoneytokenRegistry registry) =>
            await registry.MatchAsync(world, query.Value) is { } match ? Results.Ok(match) : Results.NotFound());
        return app;
    }

    private static async Task<IResult> OnInodeAsync(WorldCatalog worlds, string world, ulong ino, Func<IWorldFileSystem, InodeAttributes, ValueTask> action, CancellationToken ct)
    {
        if (!WorldCatalog.IsValidName(world) || await worlds.GetAsync(world, ct) is null)
        {
            return Results.Problem($"no world named '{world}'", statusCode: StatusCodes.Status404NotFound);
        }
        var fs = worlds.Open(world, ClientId);
        var attributes = await fs.GetAttrAsync(ino, ct);
        if (!attributes.IsOk)
        {
            return Results.Problem($"inode {ino}: {attributes.Error}", statusCode: StatusCodes.Status404NotFound);
        }
        await action(fs, attributes.Value);
        return Results.Ok((await fs.GetAttrAsync(ino, ct)).Value);
    }

    public sealed record HoneytokenQuery(string Value);
}
