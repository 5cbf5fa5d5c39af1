namespace Chronos.Gateway.Ssh;

/// <summary>Configuration section "Gateway:Ssh".</summary>
public sealed class SshServerOptions
{
    public const string Section = "Gateway:Ssh";

    /// <summary>2222 by default; 22 when configured and the process may bind it.</summary>
    public int Port { get; set; } = 2222;

    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>debian12, ubuntu2204 or ubuntu2404.</summary>
    public string Persona { get; set; } = "debian12";

    public string World { get; set; } = "default";

    public string HostKeyDirectory { get; set; } = "/var/lib/chronos/hostkeys";

    /// <summary>
    /// Serve the world's own /etc/ssh/ssh_host_*_key (read from the world model in Redis), so the
    /// fingerprint the client sees matches the keys root finds inside; <see cref="HostKeyDirectory"/>
    /// only for a world that has none.
    /// </summary>
    public bool HostKeysFromWorld { get; set; }

    public string ModuliPath { get; set; } = "/etc/ssh/moduli";

    public TimeSpan LoginGraceTime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>listed (Credentials), after (AcceptAfterAttempts) or any.</summary>
    public string AuthenticationPolicy { get; set; } = "after";

    public int AcceptAfterAttempts { get; set; } = 3;

    /// <summary>user → password, for the "listed" policy.</summary>
    public Dictionary<string, string> Credentials { get; set; } = new(StringComparer.Ordinal);

    public bool KeyboardInteractive { get; set; }
}
