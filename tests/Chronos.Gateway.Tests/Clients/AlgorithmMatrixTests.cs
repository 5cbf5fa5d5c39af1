using Chronos.Gateway.Ssh;
using Chronos.Gateway.Tests.Infrastructure;

namespace Chronos.Gateway.Tests.Clients;

/// <summary>Every algorithm the Debian 12 persona advertises, forced one at a time with OpenSSH's ssh.</summary>
public sealed class AlgorithmMatrixTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly SshPersonaProfile Persona = SshPersonaProfile.Debian12;

    public static TheoryData<string> KexAlgorithms() =>
        [.. Persona.KexAlgorithms.Where(k => k is not "kex-strict-s-v00@openssh.com" and not "ext-info-s")];

    public static TheoryData<string> Ciphers() => [.. Persona.Ciphers];

    public static TheoryData<string> Macs() => [.. Persona.Macs];

    public static TheoryData<string> HostKeyAlgorithms() => [.. Persona.HostKeyAlgorithms];

    [Theory]
    [MemberData(nameof(KexAlgorithms))]
    public Task Kex_algorithm_works(string kex) => AssertWorksAsync($"KexAlgorithms={kex}");

    [Theory]
    [MemberData(nameof(Ciphers))]
    public Task Cipher_works(string cipher) => AssertWorksAsync($"Ciphers={cipher}");

    [Theory]
    [MemberData(nameof(Macs))]
    public Task Mac_works(string mac) => AssertWorksAsync($"MACs={mac}", "Ciphers=aes128-ctr");

    [Theory]
    [MemberData(nameof(HostKeyAlgorithms))]
    public Task Host_key_algorithm_works(string hostKey) => AssertWorksAsync($"HostKeyAlgorithms={hostKey}");

    [Fact]
    public Task Delayed_zlib_compression_works() => AssertWorksAsync("Compression=yes");

    [Fact]
    public Task Rekeying_mid_session_works() => AssertWorksAsync("RekeyLimit=16K", command: "wc -c", expected: "300000\n", input: new string('r', 300_000));

    private async Task AssertWorksAsync(string option, string? extra = null, string command = "echo algorithm-ok", string expected = "algorithm-ok\n", string? input = null)
    {
        List<string> options = [option, "LogLevel=DEBUG1"];
        if (extra is not null)
        {
            options.Add(extra);
        }
        var result = await OpenSsh.RunAsync(fixture.Server.Port, command, GatewayFixture.Password, options: options, keys: fixture.Keys,
            standardInput: input);

        Assert.True(result.ExitCode == 0, $"{option}: exit {result.ExitCode}\n{result.StandardError}");
        Assert.Equal(expected, result.StandardOutput);
        var value = option[(option.IndexOf('=', StringComparison.Ordinal) + 1)..];
        if (!option.StartsWith("RekeyLimit", StringComparison.Ordinal) && !option.StartsWith("Compression", StringComparison.Ordinal))
        {
            Assert.Contains(value, result.StandardError, StringComparison.Ordinal);
        }
        if (option.StartsWith("Compression", StringComparison.Ordinal))
        {
            Assert.Contains("compression: zlib@openssh.com", result.StandardError, StringComparison.Ordinal);
        }
        if (option.StartsWith("RekeyLimit", StringComparison.Ordinal))
        {
            Assert.Contains("SSH2_MSG_KEXINIT sent", result.StandardError.Split("Authenticated")[1], StringComparison.Ordinal);
        }
    }
}
