using Chronos.Hypervisor.Audit;
using Chronos.Persona.Generation;
using Chronos.Persona.Origin;
using Chronos.Persona.Worlds;
using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace Chronos.Persona.Tests;

/// <summary>A "process" of Chronos.Persona: its own origin (own in-flight table) over a given multiplexer.</summary>
internal static class Harness
{
    public static PersonaContentOrigin Origin(IConnectionMultiplexer redis, IChatClient? chat = null, LlmOptions? options = null)
    {
        options ??= new LlmOptions { Timeout = TimeSpan.FromSeconds(20) };
        var pipeline = new ContentPipeline(chat is null ? null : new LlmGenerator(chat, options), options);
        return new PersonaContentOrigin(redis, new WorldContexts(redis, TestWorlds.Catalog), pipeline, new HoneytokenRegistry(redis), new AuditLog(redis));
    }
}
