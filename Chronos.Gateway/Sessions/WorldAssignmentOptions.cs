namespace Chronos.Gateway.Sessions;

/// <summary>Which world a session runs in, and so what a returning attacker finds (issue 6).</summary>
public enum PersistencePolicy
{
    /// <summary>Every session runs in the configured world: everyone sees everyone's changes.</summary>
    Shared = 0,

    /// <summary>Each attacker gets its own branch of the world, kept across logins.</summary>
    PerAttacker = 1,

    /// <summary>Each session gets a fresh branch of the world.</summary>
    PerSession = 2,
}

/// <summary>What makes two logins "the same attacker" under <see cref="PersistencePolicy.PerAttacker"/>.</summary>
public enum AttackerKey
{
    /// <summary>User name plus the password, or the public key's fingerprint for key logins.</summary>
    Credentials = 0,

    /// <summary>The source IP address (the port is ignored; IPv4-mapped IPv6 counts as IPv4).</summary>
    Address = 1,
}

/// <summary>Configuration section <c>Gateway:Persistence</c>.</summary>
public sealed class WorldAssignmentOptions
{
    public const string Section = "Gateway:Persistence";

    public PersistencePolicy Policy { get; set; } = PersistencePolicy.Shared;

    public AttackerKey AttackerKey { get; set; } = AttackerKey.Credentials;

    /// <summary>Under <see cref="PersistencePolicy.PerSession"/>, delete a session's world when it ends
    /// (<see cref="WorldAssignment.ReleaseAsync"/>); otherwise it stays for forensics.</summary>
    public bool DeletePerSessionWorlds { get; set; }

    /// <summary>How long a login waits for another login of the same attacker that is creating the
    /// branch; longer than the catalog's branch lease (60 s), so a crashed creator is taken over.</summary>
    public TimeSpan BranchWait { get; set; } = TimeSpan.FromSeconds(90);
}
