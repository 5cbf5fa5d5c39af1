using System.Globalization;
using Chronos.Persona.Keys;
using Chronos.Persona.Model;

namespace Chronos.Persona.Planning;

/// <summary>
/// The inputs every decision about one world is a function of: the persona, the world's seed and
/// the moment it was seeded (its "now"). Planning and the offline generator both take only this,
/// so they agree with each other and with themselves after a restart.
/// </summary>
public sealed class WorldContext
{
    public WorldContext(Model.Persona persona, ulong worldSeed, DateTimeOffset seededAt)
    {
        ArgumentNullException.ThrowIfNull(persona);
        Persona = persona;
        WorldSeed = worldSeed;
        // Whole seconds: the world's "now" is stored and compared as text.
        SeededAt = DateTimeOffset.FromUnixTimeSeconds(seededAt.ToUnixTimeSeconds());
        BootedAt = SeededAt - persona.UptimeValue;
        InstalledAt = persona.InstalledAtValue;
        if (InstalledAt >= BootedAt)
        {
            InstalledAt = BootedAt.AddDays(-30);
        }
        Secrets = new PersonaSecrets(this);
    }

    public Model.Persona Persona { get; }

    public ulong WorldSeed { get; }

    public DateTimeOffset SeededAt { get; }

    public DateTimeOffset BootedAt { get; }

    public DateTimeOffset InstalledAt { get; }

    public PersonaSecrets Secrets { get; }

    public SeededRandom Random(string purpose) => new(WorldSeed, purpose);

    public TimeZoneInfo Zone
    {
        get
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(Persona.TimeZone);
            }
            catch (TimeZoneNotFoundException)
            {
                return TimeZoneInfo.Utc;
            }
        }
    }

    /// <summary>A time as the persona's clock shows it (logs are written in local time).</summary>
    public DateTime Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone).DateTime;

    public string PrimaryAddress => Persona.Network.Interfaces[0].Addresses[0].Split('/')[0];

    public string MachineId => Random("machine-id").Hex(32);

    public int MachineIdDays => (int)(InstalledAt.ToUnixTimeSeconds() / 86400);

    /// <summary>A user's own key pair, derived from the world seed: it is a decoy, planted to be stolen, and the .pub planned at seeding must match the private key generated later.</summary>
    public OpenSshKey UserKey(string user, string comment)
    {
        var random = Random("user-key:" + user + ":" + comment);
        Span<byte> seed = stackalloc byte[32];
        random.Fill(seed);
        return OpenSshKey.Ed25519(seed, comment, (uint)random.NextUInt64());
    }

    public static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// Credentials and URLs the world's files mention, decided from the seed so every file that
/// names one names the same value. Each is a honeytoken: nobody but an intruder has read them.
/// </summary>
public sealed class PersonaSecrets
{
    private const string Strong = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    internal PersonaSecrets(WorldContext world)
    {
        var r = world.Random("secrets");
        var persona = world.Persona;
        foreach (var db in persona.Databases)
        {
            DatabasePasswords[db.Owner] = r.Token(20, Strong);
        }
        AwsAccessKeyId = "AKIA" + r.Token(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        AwsSecretAccessKey = r.Token(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        RunnerToken = "glrt-" + r.Token(20, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
        RegistryPassword = r.Token(24, Strong);
        BackupPassword = r.Token(16, Strong);
        var backupHost = persona.Network.Peers.Count > 0 ? persona.Network.Peers[0].Names[0] : "backup." + persona.Domain;
        BackupUrl = $"sftp://backup:{BackupPassword}@{backupHost}/srv/backups/{persona.Hostname}";
        WebhookUrl = $"https://hooks.slack.com/services/T{r.Token(8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}/B{r.Token(10, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}/{r.Token(24)}";
        MysqlDebianSysMaint = r.Token(16, Strong);
        WpSalts = [.. Enumerable.Range(0, 8).Select(_ => r.Token(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!@#%^&*()-_[]{}<>~+=,.;:/?|"))];
    }

    /// <summary>Database role → password.</summary>
    public Dictionary<string, string> DatabasePasswords { get; } = new(StringComparer.Ordinal);

    public string AwsAccessKeyId { get; }

    public string AwsSecretAccessKey { get; }

    public string RunnerToken { get; }

    public string RegistryPassword { get; }

    public string BackupPassword { get; }

    public string BackupUrl { get; }

    public string WebhookUrl { get; }

    public string MysqlDebianSysMaint { get; }

    public IReadOnlyList<string> WpSalts { get; }

    public string DatabasePassword(string owner) => DatabasePasswords.TryGetValue(owner, out var p) ? p : DatabasePasswords.Values.FirstOrDefault() ?? BackupPassword;
}
