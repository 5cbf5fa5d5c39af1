using Chronos.Gateway.Sessions;
using Chronos.Gateway.Ssh;
using Chronos.Gateway.Ssh.Auth;
using Chronos.Gateway.Ssh.Connection;
using Chronos.Gateway.Ssh.HostKeys;
using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the Gateway: the SSH listener with its keys, policy, audit, delay and persistence policy.</summary>
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
            // With Redis, every attempt lands in the world's audit stream; without it, in the log.
            builder.AddRedisClient("redis");
            builder.Services.TryAddSingleton<ISshAuditSink>(sp => new HypervisorAuditSink(new AuditLog(sp.GetRequiredService<IConnectionMultiplexer>())));
            builder.AddWorldAssignment();
        }
        else if (builder.Configuration.GetValue(WorldAssignmentOptions.Section + ":Policy", PersistencePolicy.Shared) != PersistencePolicy.Shared)
        {
            // Branches live in Redis: a policy that cannot be honoured must stop the start, not fall back to Shared.
            throw new OptionsValidationException(WorldAssignmentOptions.Section, typeof(WorldAssignmentOptions),
                [$"{WorldAssignmentOptions.Section}:Policy needs Redis (ConnectionStrings:redis)"]);
        }
        if (builder.Configuration.GetValue($"{SshServerOptions.Section}:HostKeysFromWorld", false))
        {
            // The world's own /etc/ssh keys, so what the client pins is what root inside can list.
            if (builder.Configuration.GetConnectionString("redis") is null)
            {
                throw new InvalidOperationException("Gateway:Ssh:HostKeysFromWorld needs ConnectionStrings:redis (the world model)");
            }
            builder.Services.TryAddSingleton(sp => new WorldCatalog(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<ILogger<WorldCatalog>>()));
            builder.Services.TryAddSingleton<IHostKeyStore>(sp =>
            {
                var directory = sp.GetRequiredService<IOptions<SshServerOptions>>().Value.HostKeyDirectory;
                return new WorldHostKeyStore(sp.GetRequiredService<WorldCatalog>(), new DirectoryHostKeyStore(directory), directory, sp.GetRequiredService<ILogger<WorldHostKeyStore>>());
            });
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

    /// <summary>Gateway:Persistence decides each connection's world (<see cref="WorldAssignment"/>); without
    /// Redis the SSH server keeps its default, the configured world for everyone.</summary>
    private static void AddWorldAssignment(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WorldAssignmentOptions>().Bind(builder.Configuration.GetSection(WorldAssignmentOptions.Section))
            .Validate(o => Enum.IsDefined(o.Policy), "Gateway:Persistence:Policy must be Shared, PerAttacker or PerSession")
            .Validate(o => Enum.IsDefined(o.AttackerKey), "Gateway:Persistence:AttackerKey must be Credentials or Address")
            .Validate(o => o.BranchWait > TimeSpan.Zero, "Gateway:Persistence:BranchWait must be positive")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<WorldCatalog>();
        builder.Services.TryAddSingleton<WorldAssignment>();
        builder.Services.TryAddSingleton<ISshWorldAssigner, SessionWorldAssigner>();
    }

    private static IAuthenticationPolicy CreatePolicy(SshServerOptions options) => options.AuthenticationPolicy.ToLowerInvariant() switch
    {
        "listed" => new ListedCredentialsPolicy(options.Credentials),
        "any" => new AcceptAnyPolicy(),
        "after" => new AcceptAfterAttemptsPolicy(options.AcceptAfterAttempts),
        _ => throw new OptionsValidationException(SshServerOptions.Section, typeof(SshServerOptions), [$"unknown AuthenticationPolicy {options.AuthenticationPolicy}"]),
    };
}
