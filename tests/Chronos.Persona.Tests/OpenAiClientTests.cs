using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.FileSystem;
using Chronos.Persona.Generation;

namespace Chronos.Persona.Tests;

/// <summary>The real Microsoft.Extensions.AI.OpenAI client over HTTP, against a local OpenAI-compatible stub.</summary>
public sealed class OpenAiClientTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_good_answer_is_cleaned_of_fences_and_chatter_and_committed()
    {
        await using var stub = await OpenAiStub.StartAsync();
        stub.Content = "Here is the file:\n```bash\nsudo -u postgres psql\nsudo systemctl status postgresql@15-main\nls -lh /var/backups/postgresql/\n```\nLet me know if you need more.";
        var (world, ino, name) = await GhostAsync();
        await OriginFor(stub).MaterializeAsync(world, (await world.GetAttrAsync(ino)).Value, CancellationToken.None);

        var text = System.Text.Encoding.UTF8.GetString(await WorldTree.ReadAllAsync(world, ino));
        Assert.StartsWith("sudo -u postgres psql\nsudo systemctl status postgresql@15-main\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("```", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Here is", text, StringComparison.Ordinal);
        Assert.Equal(1, stub.Requests);
        Assert.Contains("pg-main-02.corp.northwind-logistics.net", stub.Bodies[0], StringComparison.Ordinal);
        var events = await new AuditLog(redis.Redis).ReadAsync(name);
        Assert.Contains(events, e => e.Op == "persona.generate" && e.Extra["source"] == "llm");
    }

    [Theory]
    [InlineData("500")]
    [InlineData("hang")]
    [InlineData("garbage")]
    public async Task A_failing_endpoint_gives_the_offline_file_and_an_audited_fallback(string mode)
    {
        await using var stub = await OpenAiStub.StartAsync();
        stub.Mode = mode;
        var (world, ino, name) = await GhostAsync();
        var attributes = (await world.GetAttrAsync(ino)).Value;
        await OriginFor(stub).MaterializeAsync(world, attributes, CancellationToken.None);

        var bytes = await WorldTree.ReadAllAsync(world, ino);
        var expected = OfflineGenerator.Generate(new GhostRequest(TestWorlds.Context("db-debian12", name), new Planning.GhostOrigin("bash-history", "/home/dbadmin/.bash_history"), attributes.Size, DateTimeOffset.FromUnixTimeSeconds(attributes.Mtime.Seconds), attributes.Uid, attributes.Gid));
        Assert.Equal(expected, bytes);
        Assert.True(stub.Requests >= 1);
        var events = await new AuditLog(redis.Redis).ReadAsync(name);
        var fallback = Assert.Single(events, e => e.Op == "persona.fallback");
        Assert.Equal("offline", fallback.Extra["source"]);
    }

    private async Task<(IWorldFileSystem World, ulong Ino, string Name)> GhostAsync()
    {
        var name = redis.NextWorldName();
        var world = await redis.SeededWorldAsync("db-debian12", name);
        return (world, await WorldTree.ResolveAsync(world, "/home/dbadmin/.bash_history"), name);
    }

    private Origin.PersonaContentOrigin OriginFor(OpenAiStub stub)
    {
        var options = new LlmOptions { Provider = "openai", Endpoint = stub.Endpoint, ApiKey = "sk-test", Model = "stub-model", Timeout = TimeSpan.FromSeconds(2) };
        var client = ChatClientFactory.Create(options);
        Assert.NotNull(client);
        return Harness.Origin(redis.Redis, client, options);
    }
}
