using Chronos.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

// Chronos as the architecture diagram draws it. Which services run is Chronos:AppHost:Services
// (appsettings.json); a server starts only when a running service references it.
var builder = DistributedApplication.CreateBuilder(args);
var sshPort = builder.Configuration.GetValue("Chronos:AppHost:SshPort", 2222);

// The default world: its persona, the SSH wire profile that persona's OpenSSH has, and the
// persona's own root password (web-ubuntu2204.yaml), which the Gateway accepts.
var defaultWorld = builder.Configuration["Chronos:AppHost:World"] ?? "default";
var defaultPersona = builder.Configuration["Chronos:AppHost:Persona"] ?? "web-ubuntu2204";
var wireProfile = builder.Configuration["Chronos:AppHost:WireProfile"] ?? "ubuntu2204";
var rootPassword = builder.Configuration["Chronos:AppHost:RootPassword"] ?? "Summer2023!";

// What a returning attacker finds (Gateway README, "Persistence"): Shared by default, because every
// branching policy copies the whole world per attacker (or session) into Redis, and an internet-facing
// default must not let a scan of many addresses grow Redis without bound. PerAttacker (AttackerKey
// Credentials or Address) isolates attackers; PerSession gives each login a fresh copy.
var persistence = builder.Configuration["Chronos:AppHost:Persistence"] ?? "Shared";
var attackerKey = builder.Configuration["Chronos:AppHost:AttackerKey"] ?? "Credentials";

// The shared engines.
var redis = builder.AddRedis("redis");          // Debian redis-server, AOF on, own data dir, free port; or ConnectionStrings__redis
var postgres = builder.AddPostgres("postgres"); // Debian PostgreSQL 15, initdb on first run, free port; or ConnectionStrings__postgres

// Control plane: world API and dashboard. Waits for Redis because it loads its Lua scripts at start.
var hypervisor = builder.AddProject("hypervisor", "../Chronos.Hypervisor/Chronos.Hypervisor.csproj")
    .WithReference(redis).WaitFor(redis);

// Content for ghost files and lazy directories; needs only the world model.
// It also creates and seeds the default world at start, so the mount below finds it. A world
// keeps the lower directory it was created with, so Persona creates it with the one Fuse serves,
// and overlays the persona's files (os-release, lsb-release, issue ...) on the layer's.
var persona = builder.AddProject("persona", "../Chronos.Persona/Chronos.Persona.csproj")
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Chronos__Persona__Seed__World", defaultWorld)
    .WithEnvironment("Chronos__Persona__Seed__Persona", defaultPersona)
    .WithEnvironment("Chronos__Persona__Seed__LowerDirectory", LowerDirectory)
    .WithLowerInclude("Chronos__Persona__Seed__LowerInclude");

// Mounts every world under /run/chronos/worlds (root, /dev/fuse). Waits for Persona: the first
// lookup in a lazy directory asks it, and a mount must not answer ENOENT because Persona is late.
var fuse = builder.AddProject("fuse", "../Chronos.Fuse/Chronos.Fuse.csproj")
    .WithReference(redis).WithReference(persona).WaitFor(redis).WaitFor(persona)
    .WithEnvironment("Chronos__Fuse__MountRoot", MountRoot)
    .WithEnvironment("Chronos__Fuse__Worlds__0", defaultWorld)
    // Persona ids 0..65535 appear on the host as 100000.. : the sandboxes' user namespace map.
    .WithEnvironment("Chronos__Fuse__UidShift", IdShift)
    // The host's programs and libraries, read-only, under the persona's files.
    .WithEnvironment("Chronos__Fuse__LowerDirectory", LowerDirectory)
    .WithLowerInclude("Chronos__Fuse__LowerInclude")
    .WithPrerequisite(Prerequisite.Root("FUSE mounts with allow_other for sandboxed users"))
    .WithPrerequisite(Prerequisite.PathExists("/dev/fuse", "modprobe fuse (and apt-get install fuse3)"))
    .WithPrerequisite(Prerequisite.Command("fusermount3", "fuse3"));

// Last: an attacker must never get a shell before the world under it is mounted.
var gateway = builder.AddProject("gateway", "../Chronos.Gateway/Chronos.Gateway.csproj")
    .WithReference(redis).WithReference(hypervisor).WithReference(fuse).WaitFor(fuse)
    .WithEndpoint("ssh", sshPort)
    .WithEnvironment("Gateway__Ssh__Port", sshPort)
    .WithEnvironment("Gateway__Ssh__World", defaultWorld)
    // The keys Persona seeded into the world's /etc/ssh, so the fingerprint matches what root sees.
    .WithEnvironment("Gateway__Ssh__HostKeysFromWorld", "true")
    .WithEnvironment("Gateway__Ssh__Persona", wireProfile)
    .WithEnvironment("Gateway__Ssh__AuthenticationPolicy", "listed")
    .WithEnvironment("Gateway__Ssh__Credentials__root", rootPassword)
    // Branches are mounted on request by the fuse service above (same host, same MountRoot).
    .WithEnvironment("Gateway__Persistence__Policy", persistence)
    .WithEnvironment("Gateway__Persistence__AttackerKey", attackerKey)
    .WithEnvironment("Gateway__Sandbox__Enabled", "true")
    .WithEnvironment("Gateway__Sandbox__MountRoot", MountRoot)
    .WithEnvironment("Gateway__Sandbox__IdShift", IdShift)
    .WithPrerequisite(Prerequisite.Command("bwrap", "bubblewrap"))
    .WithPrerequisite(Prerequisite.Command("newuidmap", "uidmap"));

builder.Build().Run();

internal static partial class Program
{
    private const string MountRoot = "/run/chronos/worlds";
    private const string IdShift = "100000";

    // The lower layer of the default world: the host's merged /usr and its links, nothing else of
    // the host (its /etc, /home, /root stay out; the persona provides them).
    private const string LowerDirectory = "/";
    private static readonly string[] LowerInclude = ["usr", "bin", "sbin", "lib", "lib64"];

    private static IResourceBuilder<ProjectResource> WithLowerInclude(this IResourceBuilder<ProjectResource> project, string variable)
    {
        for (var i = 0; i < LowerInclude.Length; i++)
        {
            project = project.WithEnvironment($"{variable}__{i}", LowerInclude[i]);
        }
        return project;
    }
}
