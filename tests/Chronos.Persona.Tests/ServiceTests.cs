using System.Net;
using System.Net.Http.Json;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Worlds;
using Chronos.Persona.Origin;
using Chronos.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chronos.Persona.Tests;

/// <summary>The Persona service as it runs (ServiceDefaults, Hypervisor, Persona, its API) on a real port, used through HTTP and through <see cref="PersonaHttpOrigin"/>.</summary>
public sealed class ServiceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Seeds_lists_materializes_and_matches_honeytokens_over_http()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.Configuration["ConnectionStrings:redis"] = redis.Server.ConnectionString;
        builder.AddServiceDefaults();
        builder.AddChronosHypervisor("redis");
        builder.AddChronosPersona();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPersonaApi();
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var personas = await http.GetStringAsync(new Uri("/api/personas", UriKind.Relative));
            Assert.Contains("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", personas, StringComparison.Ordinal);

            var name = redis.NextWorldName("svc");
            await redis.Catalog.CreateAsync(new WorldSpec(name));
            var seeded = await http.PostAsync(new Uri($"/api/worlds/{name}/seed?persona=ci-ubuntu2404", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
            var unknown = await http.PostAsync(new Uri($"/api/worlds/{name}/seed?persona=centos7", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            var conflict = await http.PostAsync(new Uri($"/api/worlds/{name}/seed?persona=db-debian12", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

            // The Fuse side: a mount's filesystem and the HTTP origin.
            var mount = new WorldCatalog(redis.Redis).Open(name, "remote-mount");
            var origin = new PersonaHttpOrigin(http);
            var ino = await WorldTree.ResolveAsync(mount, "etc/gitlab-runner/config.toml");
            var before = (await mount.GetAttrAsync(ino)).Value;
            Assert.Equal(ContentState.Ghost, before.Content);
            await origin.MaterializeAsync(mount, before, CancellationToken.None);
            var config = System.Text.Encoding.UTF8.GetString(await WorldTree.ReadAllAsync(mount, ino));
            Assert.Equal(before.Size, config.Length);
            var token = config.Split('\n').First(l => l.TrimStart().StartsWith("token = ", StringComparison.Ordinal)).Split('"')[1];

            var match = await http.PostAsJsonAsync(new Uri($"/api/worlds/{name}/honeytokens/match", UriKind.Relative), new { value = token });
            Assert.Equal(HttpStatusCode.OK, match.StatusCode);
            Assert.Contains("/etc/gitlab-runner/config.toml", await match.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var miss = await http.PostAsJsonAsync(new Uri($"/api/worlds/{name}/honeytokens/match", UriKind.Relative), new { value = "hunter2-not-planted" });
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);

            var lazy = await WorldTree.ResolveAsync(mount, "home/ubuntu/projects");
            await origin.PopulateAsync(mount, (await mount.GetAttrAsync(lazy)).Value, CancellationToken.None);
            Assert.False((await mount.GetAttrAsync(lazy)).Value.IsLazyDirectory);
            var missing = await http.PostAsync(new Uri($"/api/worlds/{name}/materialize/999999999", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
