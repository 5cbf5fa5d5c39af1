using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.Worlds;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Clients;

/// <summary>With ConnectionStrings:redis set, auth attempts land in the world's audit stream in a real redis-server.</summary>
public sealed class HypervisorAuditTests
{
    [Fact]
    public async Task Failed_and_successful_logins_are_in_the_worlds_audit_stream()
    {
        await using var redis = await RedisServer.StartAsync();
        using var connection = await redis.ConnectAsync();
        await new WorldCatalog(connection).CreateAsync(new WorldSpec("w1"));
        var keys = await ClientKeys.CreateAsync();
        await using var server = await GatewayServer.StartAsync(
            policy: new Chronos.Gateway.Ssh.Auth.ListedCredentialsPolicy(new Dictionary<string, string> { ["root"] = "s3cret" }),
            settings: new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString },
            useRecordingAudit: false);

        await OpenSsh.RunAsync(server.Port, "true", "wrong-one", keys: keys);
        var ok = await OpenSsh.RunAsync(server.Port, "echo in", "s3cret", keys: keys);

        Assert.Equal("in\n", ok.StandardOutput);
        var events = await new AuditLog(connection).ReadAsync("w1");
        var auth = events.Where(e => e.Op == "ssh.auth").ToList();
        Assert.Contains(auth, e => e.Extra.GetValueOrDefault("password") == "wrong-one" && e.Extra["accepted"] == "0");
        Assert.Contains(auth, e => e.Extra.GetValueOrDefault("password") == "s3cret" && e.Extra["accepted"] == "1" && e.Extra["client_version"].StartsWith("SSH-2.0-OpenSSH_9.2p1", StringComparison.Ordinal));
        Assert.All(auth, e => Assert.Matches("^[0-9a-f]{32}$", e.Extra["hassh"]));
        Assert.Contains(events, e => e.Op == "ssh.session" && e.Extra["command"] == "echo in");
    }
}
