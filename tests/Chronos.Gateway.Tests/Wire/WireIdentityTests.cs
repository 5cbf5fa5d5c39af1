using Chronos.Gateway.Ssh;
using Chronos.Gateway.Ssh.Wire.Messages;
using Chronos.Gateway.Tests.Infrastructure;
using Chronos.Testing;

namespace Chronos.Gateway.Tests.Wire;

/// <summary>What a scanner sees before any key is exchanged: banner, KEXINIT lists, HASSHServer, timing of KEXINIT.</summary>
public sealed class WireIdentityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("debian12", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10", "425d29fe50d8e4f5e37efb6e24bcf660")]
    [InlineData("ubuntu2204", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.", "41ff3ecd1458b0bf86e1b4891636213e")]
    [InlineData("ubuntu2404", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.", "e42184b06d45385a906f0803d04c83da")]
    public async Task Banner_and_HASSHServer_match_the_persona(string persona, string bannerPrefix, string hasshServer)
    {
        await using var server = await GatewayServer.StartAsync(persona);
        var (banner, kexInit, _) = await ReadServerHelloAsync(server.Port);

        Assert.StartsWith(bannerPrefix, banner, StringComparison.Ordinal);
        Assert.Equal(hasshServer, SshFingerprints.Hassh(kexInit.KexAlgorithms, kexInit.EncryptionServerToClient, kexInit.MacServerToClient, kexInit.CompressionServerToClient));
        Assert.Equal(hasshServer, SshPersonaProfile.ByName(persona).HasshServer);
    }

    [Fact]
    public async Task Unencrypted_kexinit_is_padded_with_zeros_and_sent_only_after_the_client_identification()
    {
        await using var server = await GatewayServer.StartAsync();
        await using var connection = await RawSshConnection.ConnectAsync(server.Port);
        Assert.StartsWith("SSH-2.0-", await connection.ReadLineAsync(Timeout), StringComparison.Ordinal);
        Assert.True(await connection.StaysSilentAsync(TimeSpan.FromMilliseconds(500)), "KEXINIT came before our identification line");

        await connection.SendLineAsync("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
        var packet = await connection.ReadPacketAsync(Timeout);

        Assert.NotNull(packet);
        Assert.Equal(20, packet.Value.Payload[0]);
        Assert.True(packet.Value.Padding.Length >= 4);
        Assert.All(packet.Value.Padding, b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Debian12_kexinit_equals_the_real_sshd_of_Debian_12()
    {
        await using var sshd = await RealSshd.StartAsync();
        await using var server = await GatewayServer.StartAsync("debian12");

        var (realBanner, real, _) = await ReadServerHelloAsync(sshd.Port);
        var (ourBanner, ours, _) = await ReadServerHelloAsync(server.Port);

        Assert.Equal(realBanner, ourBanner);
        Assert.Equal(real.KexAlgorithms, ours.KexAlgorithms);
        Assert.Equal(real.ServerHostKeyAlgorithms, ours.ServerHostKeyAlgorithms);
        Assert.Equal(real.EncryptionClientToServer, ours.EncryptionClientToServer);
        Assert.Equal(real.EncryptionServerToClient, ours.EncryptionServerToClient);
        Assert.Equal(real.MacClientToServer, ours.MacClientToServer);
        Assert.Equal(real.MacServerToClient, ours.MacServerToClient);
        Assert.Equal(real.CompressionClientToServer, ours.CompressionClientToServer);
        Assert.Equal(real.CompressionServerToClient, ours.CompressionServerToClient);
        Assert.Equal(real.LanguagesClientToServer, ours.LanguagesClientToServer);
        Assert.Equal(real.FirstKexPacketFollows, ours.FirstKexPacketFollows);
    }

    [Fact]
    public async Task Ssh_audit_policy_made_from_the_real_sshd_passes_against_the_gateway()
    {
        await using var sshd = await RealSshd.StartAsync();
        await using var server = await GatewayServer.StartAsync("debian12");
        var policy = Path.Combine(sshd.Directory, "debian12.policy");

        var made = await ProcessRunner.RunAsync("ssh-audit", ["-M", policy, $"127.0.0.1:{sshd.Port}"], timeout: TimeSpan.FromSeconds(120));
        Assert.True(File.Exists(policy), made.StandardOutput + made.StandardError);
        var audit = await ProcessRunner.RunAsync("ssh-audit", ["-P", policy, $"127.0.0.1:{server.Port}"], timeout: TimeSpan.FromSeconds(120));

        Assert.True(audit.ExitCode == 0, audit.StandardOutput + audit.StandardError);
        Assert.Contains("Passed", audit.StandardOutput, StringComparison.Ordinal);
    }

    private static async Task<(string Banner, KexInitMessage KexInit, byte[] Padding)> ReadServerHelloAsync(int port)
    {
        await using var connection = await RawSshConnection.ConnectAsync(port);
        await connection.SendLineAsync("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
        var banner = await connection.ReadLineAsync(Timeout) ?? throw new InvalidOperationException("no banner");
        var packet = await connection.ReadPacketAsync(Timeout) ?? throw new InvalidOperationException("no KEXINIT");
        return (banner, KexInitMessage.Parse(packet.Payload), packet.Padding);
    }
}
