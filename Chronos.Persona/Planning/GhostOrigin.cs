namespace Chronos.Persona.Planning;

/// <summary>
/// What an inode's Origin <c>persona:&lt;generator&gt;:&lt;path&gt;</c> says: which generator decides its
/// content or entries, and the path the persona planned it at. The path is the planned one, not
/// where the file is now: a file renamed by an intruder keeps the content it was planned to have.
/// </summary>
public readonly record struct GhostOrigin(string Generator, string Path)
{
    public const string Scheme = "persona";

    public override string ToString() => $"{Scheme}:{Generator}:{Path}";

    public static bool TryParse(string? origin, out GhostOrigin parsed)
    {
        parsed = default;
        if (origin is null || !origin.StartsWith(Scheme + ":", StringComparison.Ordinal))
        {
            return false;
        }
        var rest = origin[(Scheme.Length + 1)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon + 1 >= rest.Length || rest[colon + 1] != '/')
        {
            return false;
        }
        parsed = new GhostOrigin(rest[..colon], rest[(colon + 1)..]);
        return true;
    }
}

/// <summary>Generator names (stable: they are stored in every ghost inode's Origin).</summary>
public static class Generators
{
    public const string AuthLog = "auth-log";
    public const string Syslog = "syslog";
    public const string KernLog = "kern-log";
    public const string DpkgLog = "dpkg-log";
    public const string NginxAccess = "nginx-access";
    public const string NginxError = "nginx-error";
    public const string MysqlError = "mysql-error";
    public const string PostgresqlLog = "postgresql-log";
    public const string BashHistory = "bash-history";
    public const string NginxSite = "nginx-site";
    public const string PhpFpmPool = "php-fpm-pool";
    public const string MyCnf = "my-cnf";
    public const string PostgresqlConf = "postgresql-conf";
    public const string PgHba = "pg-hba";
    public const string WpConfig = "wp-config";
    public const string DotEnv = "dotenv";
    public const string SqlDump = "sql-dump";
    public const string PrivateKey = "ssh-private-key";
    public const string KnownHosts = "known-hosts";
    public const string RunnerConfig = "gitlab-runner-config";
    public const string DockerConfig = "docker-config";
    public const string ShellScript = "shell-script";
    public const string PhpSource = "php-source";
    public const string Document = "document";

    // Lazy directories.
    public const string Uploads = "uploads";
    public const string Projects = "projects";
    public const string Backups = "backups";

    // Binary content of lazily populated entries.
    public const string Image = "image";
    public const string Wtmp = "wtmp";
    public const string Btmp = "btmp";
}
