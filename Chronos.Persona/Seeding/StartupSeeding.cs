using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chronos.Persona.Seeding;

/// <summary>
/// Seeds the world named by <c>Chronos:Persona:Seed:World</c> from <c>Chronos:Persona:Seed:Persona</c>
/// when the service starts, creating the world if it does not exist. Seeding is idempotent, so a
/// restart leaves a seeded world (and everything attackers changed in it) as it is.
/// </summary>
public sealed class StartupSeeding(
    string world,
    string personaName,
    WorldCatalog worlds,
    PersonaCatalog personas,
    WorldSeeder seeder,
    ILogger<StartupSeeding> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var persona = personas.Find(personaName)
            ?? throw new InvalidOperationException($"Chronos:Persona:Seed:Persona names no persona: '{personaName}'");
        if (await worlds.GetAsync(world, cancellationToken) is null)
        {
            try
            {
                await worlds.CreateAsync(new WorldSpec(world) { Persona = persona.Name }, cancellationToken);
            }
            catch (WorldExistsException)
            {
                // Another instance created it first: seeding below is idempotent.
            }
        }
        var result = await seeder.SeedAsync(worlds.Open(world, "persona-startup"), persona, cancellationToken: cancellationToken);
        logger.LogInformation("World {World} seeded from persona {Persona}: {Result}", world, persona.Name, result);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
