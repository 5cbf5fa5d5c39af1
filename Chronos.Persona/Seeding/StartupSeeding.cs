using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chronos.Persona.Seeding;

/// <summary>Configuration section <c>Chronos:Persona:Seed</c>: the world seeded when the service starts.</summary>
public sealed class StartupSeedOptions
{
    public const string Section = "Chronos:Persona:Seed";

    public string? World { get; set; }

    public string Persona { get; set; } = "web-ubuntu2204";

    /// <summary>
    /// The lower directory the world is created with when it does not exist yet (a world keeps the
    /// one it was created with); must be the Fuse service's Chronos:Fuse:LowerDirectory.
    /// </summary>
    public string? LowerDirectory { get; set; }

    /// <summary>The Fuse service's Chronos:Fuse:LowerInclude (top-level names taken from the lower directory; empty = all).</summary>
    public List<string> LowerInclude { get; init; } = [];
}

/// <summary>
/// Seeds the world named by <c>Chronos:Persona:Seed:World</c> from <c>Chronos:Persona:Seed:Persona</c>
/// when the service starts, creating the world if it does not exist. Seeding is idempotent, so a
/// restart leaves a seeded world (and everything attackers changed in it) as it is. A world with a
/// lower layer is overlaid (see <see cref="SeedOptions.Lower"/>), so the persona's files shadow
/// the layer's.
/// </summary>
public sealed class StartupSeeding(
    StartupSeedOptions options,
    WorldCatalog worlds,
    PersonaCatalog personas,
    WorldSeeder seeder,
    ILogger<StartupSeeding> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var world = options.World ?? throw new InvalidOperationException("Chronos:Persona:Seed:World is not set");
        var persona = personas.Find(options.Persona)
            ?? throw new InvalidOperationException($"Chronos:Persona:Seed:Persona names no persona: '{options.Persona}'");
        var info = await worlds.GetAsync(world, cancellationToken);
        if (info is null)
        {
            try
            {
                info = await worlds.CreateAsync(
                    new WorldSpec(world) { Persona = persona.Name, LowerDirectory = options.LowerDirectory is { Length: > 0 } lower ? lower : null },
                    cancellationToken);
            }
            catch (WorldExistsException)
            {
                // Another instance created it first: seeding below is idempotent.
                info = await worlds.GetAsync(world, cancellationToken) ?? throw new InvalidOperationException($"world {world} vanished");
            }
        }
        var seedOptions = new SeedOptions
        {
            Lower = info.LowerDirectory is { Length: > 0 } directory ? new LowerDirectoryView(directory, options.LowerInclude) : null,
        };
        var result = await seeder.SeedAsync(worlds.Open(world, "persona-startup"), persona, seedOptions, cancellationToken);
        logger.LogInformation("World {World} seeded from persona {Persona}: {Result}", world, persona.Name, result);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
