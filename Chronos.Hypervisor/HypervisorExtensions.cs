using Chronos.Hypervisor.Audit;
using Chronos.Hypervisor.Sessions;
using Chronos.Hypervisor.Worlds;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class HypervisorExtensions
{
    /// <summary>
    /// Registers the Redis multiplexer (from <c>ConnectionStrings__&lt;connectionName&gt;</c>) and the
    /// Hypervisor's <see cref="WorldCatalog"/>, <see cref="SessionStore"/> and <see cref="AuditLog"/>.
    /// </summary>
    public static TBuilder AddChronosHypervisor<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        builder.AddRedisClient(connectionName);
        builder.Services.AddSingleton<WorldCatalog>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }
}
