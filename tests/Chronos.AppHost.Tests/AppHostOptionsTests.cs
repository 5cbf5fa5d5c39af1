using Chronos.AppHost.Orchestration;
using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Tests;

public sealed class AppHostOptionsTests
{
    private static AppHostOptions Bind(params (string Key, string Value)[] settings) =>
        AppHostOptions.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            "/default/.state");

    [Fact]
    public void Defaults_run_only_the_hypervisor_with_state_next_to_the_AppHost()
    {
        var options = Bind();
        Assert.Equal(["hypervisor"], options.Services);
        Assert.Equal("/default/.state", options.StateDirectory);
        Assert.Equal(2222, options.SshPort);
        Assert.Null(options.OtlpEndpoint);
    }

    [Fact]
    public void Services_come_as_an_array_indexed_keys_or_a_comma_separated_string()
    {
        Assert.Equal(["hypervisor", "fuse"], Bind(("Chronos:AppHost:Services:0", "hypervisor"), ("Chronos:AppHost:Services:1", "fuse")).Services);
        Assert.Equal(["hypervisor", "fuse", "gateway"], Bind(("Chronos:AppHost:Services", " hypervisor, fuse,,gateway ")).Services);
        Assert.Empty(Bind(("Chronos:AppHost:Services", "")).Services);
        // An environment variable's single string replaces appsettings.json's array.
        Assert.Equal(["fuse"], Bind(("Chronos:AppHost:Services:0", "hypervisor"), ("Chronos:AppHost:Services", "fuse")).Services);
    }

    [Fact]
    public void The_state_directory_comes_from_the_setting_then_CHRONOS_STATE_DIR()
    {
        Assert.Equal("/x/state", Bind(("CHRONOS_STATE_DIR", "/x/state")).StateDirectory);
        Assert.Equal("/y", Bind(("CHRONOS_STATE_DIR", "/x/state"), ("Chronos:AppHost:StateDir", "/y")).StateDirectory);
    }

    [Fact]
    public void The_OTLP_endpoint_is_passed_on_when_the_AppHost_has_one()
    {
        Assert.Equal("http://127.0.0.1:4317", Bind(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")).OtlpEndpoint);
    }

    [Theory]
    [InlineData("SshPort", "0")]
    [InlineData("SshPort", "65536")]
    [InlineData("SshPort", "22x")]
    [InlineData("SshPort", "-1")]
    [InlineData("StopTimeoutSeconds", "")]
    [InlineData("StartTimeoutSeconds", "1e3")]
    public void A_bad_number_is_a_clear_error(string key, string value)
    {
        var error = Assert.Throws<AppHostConfigurationException>(() => Bind(("Chronos:AppHost:" + key, value)));
        Assert.Contains("Chronos:AppHost:" + key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_settings_either_bind_or_fail_with_a_configuration_error()
    {
        var random = new Random(7);
        const string chars = "0123456789 ,-abcXYZ:\0\uFFFF";
        string[] keys = ["SshPort", "Services", "StateDir", "StartTimeoutSeconds", "StopTimeoutSeconds", "Environment"];
        for (var i = 0; i < 2000; i++)
        {
            var value = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => chars[random.Next(chars.Length)]).ToArray());
            try
            {
                Bind(("Chronos:AppHost:" + keys[random.Next(keys.Length)], value));
            }
            catch (AppHostConfigurationException)
            {
            }
        }
    }

    [Theory]
    [InlineData("127.0.0.1:6380", "127.0.0.1", 6380, null)]
    [InlineData("redis.local", "redis.local", 6379, null)]
    [InlineData("10.0.0.5:7000,password=s3cr=t,ssl=false", "10.0.0.5", 7000, "s3cr=t")]
    [InlineData("abortConnect=false, [::1]:6390", "::1", 6390, null)]
    public void External_redis_connection_strings_parse_to_the_first_endpoint(string text, string host, int port, string? password)
    {
        Assert.True(ExternalEndpoint.TryParseRedis(text, out var h, out var p, out var pw));
        Assert.Equal((host, port, password), (h, p, pw));
    }

    [Theory]
    [InlineData("")]
    [InlineData("password=x")]
    [InlineData("host:notaport")]
    [InlineData("host:70000")]
    [InlineData(":6379")]
    public void Unusable_connection_strings_are_rejected_not_thrown(string text)
    {
        Assert.False(ExternalEndpoint.TryParseRedis(text, out _, out _, out _));
    }

    [Fact]
    public void Random_connection_strings_never_throw()
    {
        var random = new Random(3);
        const string chars = "ab1:,=[]. \0";
        for (var i = 0; i < 5000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 20)).Select(_ => chars[random.Next(chars.Length)]).ToArray());
            if (ExternalEndpoint.TryParseRedis(text, out var host, out var port, out _))
            {
                Assert.NotEmpty(host);
                Assert.InRange(port, 1, 65535);
            }
        }
    }
}
