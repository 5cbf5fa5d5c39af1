using Chronos.Gateway.Ssh;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.HostKeys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the Gateway: the SSH listener with its keys, policy, audit and delay.</summary>
public static class GatewayExtensions
{
    public static TBuilder AddChronosGateway<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SshServerOptions>().Bind(builder.Configuration.GetSection(SshServerOptions.Section))
            .Validate(o => o.Port is >= 0 and <= 65535, "Gateway:Ssh:Port must be 0..65535")
            .Validate(o => SshPersonaProfile.All.Any(p => string.Equals(p.Name, o.Persona, StringComparison.OrdinalIgnoreCase)), "Gateway:Ssh:Persona is not a known persona")
            .ValidateOnStart();
        if (builder.Configuration.GetConnectionString("redis") is not null)
        {
            builder.AddRedisClient("redis");
        }
        builder.Services.TryAddSingleton<IHostKeyStore>(sp => new DirectoryHostKeyStore(sp.GetRequiredService<IOptions<SshServerOptions>>().Value.HostKeyDirectory));
        builder.Services.TryAddSingleton<IAuthenticationPolicy>(sp => CreatePolicy(sp.GetRequiredService<IOptions<SshServerOptions>>().Value));
        builder.Services.TryAddSingleton<ISshAuditSink, LoggingAuditSink>();
        builder.Services.TryAddSingleton<IAuthenticationDelay, PamFailureDelay>();
        // Sessions run in sandboxes on the world's mount when Gateway:Sandbox:Enabled is set.
        builder.AddChronosSandbox();
        builder.Services.AddSingleton<SshServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SshServer>());
        return builder;
    }

    private static IAuthenticationPolicy CreatePolicy(SshServerOptions options) => options.AuthenticationPolicy.ToLowerInvariant() switch
    {
        "listed" => new ListedCredentialsPolicy(options.Credentials),
        "any" => new AcceptAnyPolicy(),
        "after" => new AcceptAfterAttemptsPolicy(options.AcceptAfterAttempts),
        _ => throw new OptionsValidationException(SshServerOptions.Section, typeof(SshServerOptions), [$"unknown AuthenticationPolicy {options.AuthenticationPolicy}"]),
    };
}
