using System.Globalization;
using System.Security.Cryptography;
using Chronos.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Chronos.AppHost.Orchestration;

/// <summary>
/// PostgreSQL from Debian's /usr/lib/postgresql/&lt;version&gt;/bin. The data directory is created
/// by initdb on first run; postgres refuses to run as root, so when the AppHost is root the server
/// (and initdb) run as the <c>postgres</c> user that the Debian package creates. Password
/// authentication (scram-sha-256) with a random password kept in &lt;state&gt;/&lt;name&gt;/password,
/// TCP on 127.0.0.1 only, no Unix socket.
/// </summary>
internal sealed class PostgresRunner(PostgresServerResource postgres, OrchestratorContext context) : ResourceRunner(postgres, context)
{
    private const string Host = "127.0.0.1";
    private const string ServiceUser = "postgres";
    private string? _external;
    private int _port;
    private string? _binDirectory;

    public override string Endpoint => _external is not null ? "(external)" : $"tcp://{Host}:{_port}";

    private string BaseDirectory => Path.Combine(Context.Options.StateDirectory, postgres.Name);

    private string DataDirectory => Path.Combine(BaseDirectory, "data");

    private string PasswordFile => Path.Combine(BaseDirectory, "password");

    private static bool IsRoot => Native.GetEffectiveUserId() == 0;

    public override IEnumerable<string> CheckPrerequisites()
    {
        if (!string.IsNullOrWhiteSpace(Context.Configuration.GetConnectionString(postgres.Name)))
        {
            yield break;
        }
        _binDirectory = FindBinDirectory();
        if (_binDirectory is null)
        {
            yield return "postgres not found: apt-get install postgresql";
        }
        else if (IsRoot && !UserExists(ServiceUser))
        {
            yield return $"user {ServiceUser} not found (postgres will not run as root): apt-get install postgresql";
        }
    }

    public override void Allocate()
    {
        _external = Context.Configuration.GetConnectionString(postgres.Name);
        if (!string.IsNullOrWhiteSpace(_external))
        {
            postgres.ConnectionString = _external;
            return;
        }
        _external = null;
        _port = FreePort.Next();
        Directory.CreateDirectory(BaseDirectory);
        if (!File.Exists(PasswordFile))
        {
            File.WriteAllText(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var password = File.ReadAllText(PasswordFile).Trim();
        // Npgsql's form, as Aspire's AddPostgres gives it.
        postgres.ConnectionString = $"Host={Host};Port={_port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={password}";
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_external is not null)
        {
            Context.Log.External(postgres.Name, "ConnectionStrings__" + postgres.Name);
            State = ResourceState.External;
            return;
        }
        var bin = _binDirectory ?? FindBinDirectory() ?? throw new ResourceStartException("postgres not found: apt-get install postgresql");
        var user = IsRoot ? ServiceUser : null;
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitDbAsync(bin, user, cancellationToken);
        }

        string[] arguments =
        [
            "-D", DataDirectory,
            "-p", _port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=" + Host,
            "-c", "unix_socket_directories=",
        ];
        Context.Log.Starting(postgres.Name, "postgres " + string.Join(' ', arguments));
        Child = await ChildProcess.StartAsync(new ChildSpec
        {
            Name = postgres.Name,
            FileName = Path.Combine(bin, "postgres"),
            Arguments = [.. arguments, .. postgres.Arguments],
            WorkingDirectory = BaseDirectory,
            User = user,
            // SIGINT is PostgreSQL's "fast shutdown": abort sessions, checkpoint, exit cleanly.
            DeathSignal = "INT",
        }, Context.Spawner, Context.Sink);
        State = ResourceState.Starting;
        await Context.WaitUntilAsync(postgres.Name, async ct =>
        {
            ThrowIfExited();
            return await IsReadyAsync(bin, ct);
        }, cancellationToken);
        State = ResourceState.Running;
    }

    public override async Task StopAsync()
    {
        if (Child is { } child)
        {
            var code = await child.StopAsync(() => { child.Signal(Native.SIGINT); return Task.CompletedTask; }, Context.Options.StopTimeout);
            State = ResourceState.Stopped;
            Context.Log.Stopped(postgres.Name, code);
        }
    }

    private async Task InitDbAsync(string bin, string? user, CancellationToken cancellationToken)
    {
        Context.Log.InitializingPostgres(DataDirectory);
        Directory.CreateDirectory(DataDirectory);
        File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // initdb reads the superuser password from a file; it must be readable by the user it runs as.
        var pwfile = Path.Combine(BaseDirectory, "initdb-password");
        await File.WriteAllTextAsync(pwfile, File.ReadAllText(PasswordFile).Trim() + "\n", cancellationToken);
        try
        {
            if (user is not null)
            {
                await ChownAsync(user, [DataDirectory, pwfile], cancellationToken);
                // postgres must reach its data directory: every ancestor needs o+x for it.
                await EnsureTraversableAsync(user, cancellationToken);
            }
            await using var initdb = await ChildProcess.StartAsync(new ChildSpec
            {
                Name = postgres.Name,
                FileName = Path.Combine(bin, "initdb"),
                Arguments = ["-D", DataDirectory, "-U", "postgres", "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale", "--no-instructions"],
                WorkingDirectory = BaseDirectory,
                User = user,
            }, Context.Spawner, Context.Sink);
            var code = await initdb.Exited.WaitAsync(cancellationToken);
            if (code != 0)
            {
                throw new ResourceStartException($"initdb of {DataDirectory} failed with exit code {code}");
            }
        }
        finally
        {
            File.Delete(pwfile);
        }
    }

    private async Task ChownAsync(string user, string[] paths, CancellationToken cancellationToken)
    {
        await using var chown = await ChildProcess.StartAsync(new ChildSpec
        {
            Name = postgres.Name,
            FileName = "chown",
            Arguments = ["-R", user + ":" + user, .. paths],
        }, Context.Spawner, Context.Sink);
        if (await chown.Exited.WaitAsync(cancellationToken) != 0)
        {
            throw new ResourceStartException($"chown {user} {string.Join(' ', paths)} failed");
        }
    }

    private async Task EnsureTraversableAsync(string user, CancellationToken cancellationToken)
    {
        await using var test = await ChildProcess.StartAsync(new ChildSpec
        {
            Name = postgres.Name,
            FileName = "test",
            Arguments = ["-w", DataDirectory],
            User = user,
        }, Context.Spawner, Context.Sink);
        if (await test.Exited.WaitAsync(cancellationToken) != 0)
        {
            throw new ResourceStartException(
                $"user {user} cannot reach {DataDirectory}: choose a state directory every parent of which is o+x (Chronos:AppHost:StateDir)");
        }
    }

    private async Task<bool> IsReadyAsync(string bin, CancellationToken cancellationToken)
    {
        await using var probe = await ChildProcess.StartAsync(new ChildSpec
        {
            Name = postgres.Name,
            FileName = Path.Combine(bin, "pg_isready"),
            Arguments = ["-q", "-h", Host, "-p", _port.ToString(CultureInfo.InvariantCulture), "-t", "1"],
        }, Context.Spawner, Context.Sink);
        return await probe.Exited.WaitAsync(cancellationToken) == 0;
    }

    /// <summary>The newest /usr/lib/postgresql/&lt;version&gt;/bin that has postgres, initdb and pg_isready.</summary>
    private static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }
        return Directory.EnumerateDirectories(root)
            .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
            .Where(c => c.Version >= 0 && new[] { "postgres", "initdb", "pg_isready" }.All(tool => File.Exists(Path.Combine(c.Bin, tool))))
            .OrderByDescending(c => c.Version)
            .Select(c => c.Bin)
            .FirstOrDefault();
    }

    private static bool UserExists(string user) =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith(user + ":", StringComparison.Ordinal));
}
