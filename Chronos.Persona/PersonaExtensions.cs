using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;
using Chronos.Persona.Model;
using Chronos.Persona.Origin;
using Chronos.Persona.Seeding;
using Chronos.Persona.Worlds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

public static class PersonaExtensions
{
    /// <summary>
    /// Chronos.Persona in process: the persona catalog (built-in personas plus
    /// <c>Chronos:Persona:Directory</c>), the seeder, the honeytoken registry, the content pipeline
    /// with the LLM of <c>Chronos:Persona:Llm</c> (offline only when no key or endpoint is set) and
    /// the "persona" <see cref="IContentOrigin"/>. Needs the Hypervisor (AddChronosHypervisor) first.
    /// </summary>
    public static TBuilder AddChronosPersona<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var llm = new LlmOptions();
        builder.Configuration.GetSection(LlmOptions.Section).Bind(llm);
        builder.Services.AddSingleton(llm);
        builder.Services.AddSingleton(_ => PersonaCatalog.Load(builder.Configuration["Chronos:Persona:Directory"]));
        builder.Services.AddSingleton<HoneytokenRegistry>();
        builder.Services.AddSingleton<WorldContexts>();
        builder.Services.AddSingleton<WorldSeeder>();
        builder.Services.AddSingleton(sp =>
        {
            var client = ChatClientFactory.Create(llm);
            return new ContentPipeline(client is null ? null : new LlmGenerator(client, llm), llm, sp.GetRequiredService<ILogger<ContentPipeline>>());
        });
        builder.Services.AddSingleton<PersonaContentOrigin>();
        builder.Services.AddSingleton<IContentOrigin>(sp => sp.GetRequiredService<PersonaContentOrigin>());

        // The default world of a local deployment: seeded once, at start, before any mount asks.
        var seed = new StartupSeedOptions();
        builder.Configuration.GetSection(StartupSeedOptions.Section).Bind(seed);
        if (!string.IsNullOrWhiteSpace(seed.World))
        {
            builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<StartupSeeding>(sp, seed));
        }
        return builder;
    }

    /// <summary>
    /// For the Fuse service when Chronos.Persona runs elsewhere: the "persona" origin as a typed
    /// HttpClient to <c>http://persona</c> (service discovery and the resilience handler come from
    /// AddServiceDefaults), with timeouts that leave room for an LLM generation.
    /// </summary>
    public static TBuilder AddChronosPersonaClient<TBuilder>(this TBuilder builder, string baseAddress = "http://persona")
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpClient<PersonaHttpOrigin>(client => client.BaseAddress = new Uri(baseAddress));
        builder.Services.AddSingleton<IContentOrigin>(sp => sp.GetRequiredService<PersonaHttpOrigin>());
        return builder;
    }
}
