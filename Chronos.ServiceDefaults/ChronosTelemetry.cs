namespace Microsoft.Extensions.Hosting;

/// <summary>The meter and activity source names every Chronos service registers.</summary>
public static class ChronosTelemetry
{
    public const string Hypervisor = "Chronos.Hypervisor";
    public const string Fuse = "Chronos.Fuse";
    public const string Persona = "Chronos.Persona";
    public const string Gateway = "Chronos.Gateway";

    public static readonly string[] MeterNames = [Hypervisor, Fuse, Persona, Gateway];
    public static readonly string[] ActivitySourceNames = [Hypervisor, Fuse, Persona, Gateway];
}
