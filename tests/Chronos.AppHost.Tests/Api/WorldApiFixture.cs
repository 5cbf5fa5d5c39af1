using System.Text;
using Chronos.Hypervisor.FileSystem;
using Chronos.Hypervisor.Sessions;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Chronos.AppHost.Tests.Api;

/// <summary>
/// A real redis-server, the Hypervisor service wired as its Program.cs wires it, listening on a
/// free loopback port, and one world "shop" built through WorldCatalog and IWorldFileSystem:
/// <code>
/// /etc/            0755 root
/// /etc/passwd      0644 stored, 31 bytes
/// /etc/shadow      0640 root:42, ghost (declared 100 bytes, never generated)
/// /usr/bin/tool    0755 stored
/// /bin -> usr/bin  symlink
/// /loop -> loop    symlink to itself
/// /var/lib/        lazy (origin persona:varlib), with one entry a session already made: note
/// /big             1.5 MiB stored
/// </code>
/// plus a session "s1" that is live.
/// </summary>
public sealed class WorldApiFixture : IAsyncLifetime
{
    public const string World = "shop";
    public static readonly byte[] Passwd = "root:x:0:0:root:/root:/bin/bash"u8.ToArray();
    public static readonly byte[] Big = Enumerable.Range(0, 1536 * 1024).Select(i => (byte)(i * 7)).ToArray();

    private WebApplication? _app;

    public RedisServer Redis { get; private set; } = null!;

    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public WorldCatalog Catalog { get; private set; } = null!;

    public IWorldFileSystem Fs { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public ulong ShadowIno { get; private set; }

    public ulong VarLibIno { get; private set; }

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Connection = await Redis.ConnectAsync();
        Catalog = new WorldCatalog(Connection);
        await Catalog.CreateAsync(new WorldSpec(World) { Persona = "webshop" });
        Fs = Catalog.Open(World, "fixture");
        await BuildWorldAsync();
        await new SessionStore(Connection).CreateAsync(new SessionRecord("s1", World, "root", "203.0.113.9:50022", DateTimeOffset.UtcNow) { Cwd = "/root" });

        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration["ConnectionStrings:redis"] = Redis.ConnectionString;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // The same wiring as Chronos.Hypervisor/Program.cs.
        builder.AddServiceDefaults();
        builder.AddChronosHypervisor("redis");
        builder.AddWorldApi();
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.MapDefaultEndpoints();
        _app.MapWorldApi();
        _app.MapDashboard();
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    private async Task BuildWorldAsync()
    {
        var root = OpContext.System;
        var etc = Ok(await Fs.MkdirAsync(1, "etc", FileModes.S_IFDIR | 0x1ED, root));
        var passwd = Ok(await Fs.MknodAsync(etc.Ino, "passwd", FileModes.S_IFREG | 0x1A4, 0, root));
        Ok(await Fs.WriteAsync(passwd.Ino, 0, Passwd, root));
        var usr = Ok(await Fs.MkdirAsync(1, "usr", FileModes.S_IFDIR | 0x1ED, root));
        var bin = Ok(await Fs.MkdirAsync(usr.Ino, "bin", FileModes.S_IFDIR | 0x1ED, root));
        var tool = Ok(await Fs.MknodAsync(bin.Ino, "tool", FileModes.S_IFREG | 0x1ED, 0, root));
        Ok(await Fs.WriteAsync(tool.Ino, 0, "#!/bin/sh\necho tool\n"u8.ToArray(), root));
        Ok(await Fs.SymlinkAsync(1, "bin", "usr/bin", root));
        Ok(await Fs.SymlinkAsync(1, "loop", "loop", root));
        var big = Ok(await Fs.MknodAsync(1, "big", FileModes.S_IFREG | 0x1A4, 0, root));
        Ok(await Fs.WriteAsync(big.Ino, 0, Big, root));
        var now = Timespec.FromUnixNanoseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        var var = Ok(await Fs.MkdirAsync(1, "var", FileModes.S_IFDIR | 0x1ED, root));
        // What a persona's seeding declares: a ghost file with its final size, and a lazy directory.
        Ok(await Fs.PopulateDirectoryAsync(etc.Ino,
        [
            new DeclaredEntry { Name = "shadow", Mode = FileModes.S_IFREG | 0x1A0, Gid = 42, Size = 100, Mtime = now, Content = ContentState.Ghost, Origin = "persona:shadow" },
        ], onlyIfLazy: false, root));
        Ok(await Fs.PopulateDirectoryAsync(var.Ino,
        [
            new DeclaredEntry { Name = "lib", Mode = FileModes.S_IFDIR | 0x1ED, Mtime = now, Lazy = true, Origin = "persona:varlib" },
        ], onlyIfLazy: false, root));
        ShadowIno = Ok(await Fs.LookupAsync(etc.Ino, "shadow")).Ino;
        VarLibIno = Ok(await Fs.LookupAsync(var.Ino, "lib")).Ino;
        Ok(await Fs.MknodAsync(VarLibIno, "note", FileModes.S_IFREG | 0x1A4, 0, new OpContext("s1", 0, 0)));
    }

    private static T Ok<T>(FsResult<T> result) =>
        result.IsOk ? result.Value : throw new InvalidOperationException($"fixture world: {result.Error}");

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Connection.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
