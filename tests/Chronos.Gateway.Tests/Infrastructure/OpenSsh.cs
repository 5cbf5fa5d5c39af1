using Chronos.Testing;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>Runs Debian's OpenSSH client against a port, password via SSH_ASKPASS or a key file.</summary>
public static class OpenSsh
{
    public static Task<ProcessResult> RunAsync(int port, string command, string? password = null, string? identity = null,
        IEnumerable<string>? options = null, string? standardInput = null, string user = GatewayFixture.User, ClientKeys? keys = null,
        string? knownHosts = null)
    {
        var (arguments, environment) = CommandLine(port, command, password, identity, options, user, keys, knownHosts);
        return ProcessRunner.RunAsync("ssh", arguments, standardInput: standardInput ?? "", timeout: TimeSpan.FromSeconds(60), environment: environment);
    }

    /// <summary>Starts an exec session whose stdin stays open until the test closes it (to gate a command).</summary>
    public static OpenSshProcess Start(int port, string command, string password, string user, ClientKeys keys)
    {
        var (arguments, environment) = CommandLine(port, command, password, null, null, user, keys, knownHosts: null);
        return OpenSshProcess.Start(arguments, environment);
    }

    private static (List<string> Arguments, Dictionary<string, string?> Environment) CommandLine(int port, string command, string? password, string? identity,
        IEnumerable<string>? options, string user, ClientKeys? keys, string? knownHosts)
    {
        List<string> arguments =
        [
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // ssh takes the first value of an option: a known_hosts file makes the check strict.
            "-o", knownHosts is null ? "StrictHostKeyChecking=no" : "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=" + (knownHosts ?? "/dev/null"),
            "-o", "BatchMode=" + (password is null ? "yes" : "no"), "-o", "ConnectTimeout=20",
            "-o", "NumberOfPasswordPrompts=1", "-o", "IdentitiesOnly=yes",
        ];
        if (identity is not null)
        {
            arguments.AddRange(["-i", identity, "-o", "PasswordAuthentication=no"]);
        }
        else
        {
            arguments.AddRange(["-o", "PubkeyAuthentication=no", "-o", "IdentityFile=/dev/null"]);
        }
        foreach (var option in options ?? [])
        {
            arguments.AddRange(["-o", option]);
        }
        if (options?.Any(o => o.StartsWith("LogLevel=", StringComparison.Ordinal)) != true)
        {
            arguments.AddRange(["-o", "LogLevel=ERROR"]);
        }
        arguments.Add($"{user}@127.0.0.1");
        arguments.Add(command);
        var environment = new Dictionary<string, string?> { ["DISPLAY"] = null };
        if (password is not null && keys is not null)
        {
            environment["SSH_ASKPASS"] = keys.AskPass(password);
            environment["SSH_ASKPASS_REQUIRE"] = "force";
        }
        return (arguments, environment);
    }
}
