using Chronos.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

// Chronos as the architecture diagram draws it. Which services run is Chronos:AppHost:Services
// (appsettings.json); a server starts only when a running service references it.
var builder = DistributedApplication.CreateBuilder(args);
var sshPort = builder.Configuration.GetValue("Chronos:AppHost:SshPort", 2222);

// The shared engines.
var redis = builder.AddRedis("redis");          // Debian redis-server, AOF on, own data dir, free port; or ConnectionStrings__redis
var postgres = builder.AddPostgres("postgres"); // Debian PostgreSQL 15, initdb on first run, free port; or ConnectionStrings__postgres

// Control plane: world API and dashboard. Waits for Redis because it loads its Lua scripts at start.
var hypervisor = builder.AddProject("hypervisor", "../Chronos.Hypervisor/Chronos.Hypervisor.csproj")
    .WithReference(redis).WaitFor(redis);

// Content for ghost files and lazy directories; needs only the world model.
var persona = builder.AddProject("persona", "../Chronos.Persona/Chronos.Persona.csproj")
    .WithReference(redis).WaitFor(redis);

// Mounts every world under /run/chronos/worlds (root, /dev/fuse). Waits for Persona: the first
// lookup in a lazy directory asks it, and a mount must not answer ENOENT because Persona is late.
var fuse = builder.AddProject("fuse", "../Chronos.Fuse/Chronos.Fuse.csproj")
    .WithReference(redis).WithReference(persona).WaitFor(redis).WaitFor(persona)
    .WithEnvironment("Chronos__Fuse__MountRoot", "/run/chronos/worlds")
    .WithPrerequisite(Prerequisite.Root("FUSE mounts with allow_other for sandboxed users"))
    .WithPrerequisite(Prerequisite.PathExists("/dev/fuse", "modprobe fuse (and apt-get install fuse3)"))
    .WithPrerequisite(Prerequisite.Command("fusermount3", "fuse3"));

// Last: an attacker must never get a shell before the world under it is mounted.
var gateway = builder.AddProject("gateway", "../Chronos.Gateway/Chronos.Gateway.csproj")
    .WithReference(redis).WithReference(hypervisor).WithReference(fuse).WaitFor(fuse)
    .WithEndpoint("ssh", sshPort).WithEnvironment("Chronos__Gateway__SshPort", sshPort)
    .WithEnvironment("Chronos__Gateway__MountRoot", "/run/chronos/worlds")
    .WithPrerequisite(Prerequisite.Command("bwrap", "bubblewrap"))
    .WithPrerequisite(Prerequisite.Command("newuidmap", "uidmap"));

builder.Build().Run();
