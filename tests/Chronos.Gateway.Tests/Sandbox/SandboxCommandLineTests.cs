using Chronos.Gateway.Sandbox;

namespace Chronos.Gateway.Tests.Sandbox;

public sealed class SandboxCommandLineTests
{
    private static SandboxSpec Spec(string? command, IReadOnlyDictionary<string, string> environment) => new()
    {
        SessionId = "s1",
        RootDirectory = "/run/chronos/worlds/w",
        Hostname = "web01",
        UserName = "www-data",
        Uid = 33,
        Gid = 33,
        Home = "/var/www",
        Shell = "/usr/sbin/nologin",
        Command = command,
        Environment = environment,
    };

    [Fact]
    public void Random_client_variables_never_become_options_or_loader_hooks()
    {
        var random = new Random(20261123);
        for (var i = 0; i < 2000; i++)
        {
            var name = RandomText(random, random.Next(0, 12));
            var value = RandomText(random, random.Next(0, 40));
            var command = RandomText(random, random.Next(0, 40));
            var args = SandboxCommandLine.Build(Spec(command, new Dictionary<string, string> { [name] = value }), "xterm");

            // The command is exactly one argument after -c, at the end.
            Assert.Equal(command, args[^1]);
            // Only init, which answers uname by writing into its callers, needs to trace.
            Assert.DoesNotContain(SandboxCommandLine.InitCapability, args);
            Assert.Equal("-c", args[^2]);
            // Every --setenv takes exactly a valid name and a value; the loader's and the wrapper's are never passed.
            for (var j = 0; j < args.Count; j++)
            {
                if (args[j] == "--setenv")
                {
                    Assert.True(SandboxCommandLine.IsSafeVariable(args[j + 1], args[j + 2]));
                    Assert.False(args[j + 1].StartsWith("LD_", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void Under_init_the_session_environment_is_init_arguments_that_cannot_end_early()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 2000; i++)
        {
            var name = RandomText(random, random.Next(0, 12));
            var value = random.Next(4) == 0 ? "--" : RandomText(random, random.Next(0, 40));
            var command = RandomText(random, random.Next(0, 40));
            var spec = Spec(command, new Dictionary<string, string> { [name] = value }) with { InitProgram = "/opt/chronos/chronos-init", KernelRelease = "5.15.0-105-generic" };
            var args = SandboxCommandLine.Build(spec, "xterm").ToList();

            Assert.Contains("--as-pid-1", args);
            Assert.Equal(["--cap-add", "CAP_SYS_PTRACE"], args.Skip(args.IndexOf(SandboxCommandLine.InitCapability) - 1).Take(2));
            var bind = args.IndexOf("/opt/chronos/chronos-init");
            Assert.Equal(["--ro-bind", "/opt/chronos/chronos-init", "/usr/lib/systemd/systemd"], args.Skip(bind - 1).Take(3));
            // bwrap's "--" is followed by /sbin/init, NAME=VALUE pairs, and init's own "--": the
            // first "--" after /sbin/init is that separator, so no variable can move it.
            var init = args.IndexOf("--", args.IndexOf("--as-pid-1")) + 1;
            Assert.Equal("/sbin/init", args[init]);
            var separator = args.IndexOf("--", init);
            var environment = args.Skip(init + 1).Take(separator - init - 1).ToList();
            Assert.All(environment, e => Assert.True(SandboxCommandLine.IsSafeVariable(e[..e.IndexOf('=', StringComparison.Ordinal)], e[(e.IndexOf('=', StringComparison.Ordinal) + 1)..])));
            Assert.Contains("USER=www-data", environment);
            Assert.Equal(["/usr/bin/setpriv", "--reuid=33"], args.Skip(separator + 1).Take(2));
            Assert.Equal(command, args[^1]);
            // The session's variables are init's arguments, never bwrap's --setenv (that is init's own environment).
            var setenv = Enumerable.Range(0, args.Count).Where(j => args[j] == "--setenv").Select(j => args[j + 1]).ToList();
            Assert.Equal(["HOME", "init", "NETWORK_SKIP_ENSLAVED", "TERM", "BOOT_IMAGE", "drop_caps", "PATH", "PWD", "rootmnt"], setenv);
        }
    }

    [Fact]
    public void The_session_owns_home_user_and_path_whatever_the_client_sends()
    {
        var environment = SandboxCommandLine.Environment(
            Spec(null, new Dictionary<string, string> { ["HOME"] = "/", ["USER"] = "root", ["LANG"] = "C", ["LD_PRELOAD"] = "x", ["BASH_ENV"] = "/tmp/x", ["1X"] = "y" }),
            "vt100").ToDictionary();

        Assert.Equal("/var/www", environment["HOME"]);
        Assert.Equal("www-data", environment["USER"]);
        Assert.Equal("C", environment["LANG"]);
        Assert.Equal("vt100", environment["TERM"]);
        Assert.False(environment.ContainsKey("LD_PRELOAD"));
        Assert.False(environment.ContainsKey("BASH_ENV"));
        Assert.False(environment.ContainsKey("1X"));
    }

    [Fact]
    public void A_plain_user_runs_through_setpriv_and_root_does_not()
    {
        var user = SandboxCommandLine.Build(Spec(null, new Dictionary<string, string>()), null);
        Assert.Contains("/usr/bin/setpriv", user);
        Assert.Contains("--reuid=33", user);
        Assert.Equal(["/usr/sbin/nologin", "-l"], user.TakeLast(2));

        var root = SandboxCommandLine.Build(Spec(null, new Dictionary<string, string>()) with { Uid = 0, Gid = 0 }, null);
        Assert.DoesNotContain("/usr/bin/setpriv", root);
        Assert.Contains("--unshare-net", root);
        Assert.Contains("--map-users=100000,0,65536", root);
    }

    [Theory]
    [InlineData("root:100000:65536", 100000u, 65536u, true)]
    [InlineData("root:100000:200000", 165536u, 65536u, true)]
    [InlineData("root:100000:65535", 100000u, 65536u, false)]
    [InlineData("alice:100000:65536", 100000u, 65536u, false)]
    [InlineData("root:abc:65536", 100000u, 65536u, false)]
    [InlineData("root:100000", 100000u, 65536u, false)]
    [InlineData("", 100000u, 65536u, false)]
    [InlineData("root:4294967295:4294967295", 100000u, 65536u, false)]
    public void Subordinate_id_lines_grant_only_whole_ranges(string line, uint first, uint count, bool grants) =>
        Assert.Equal(grants, SubordinateIds.Grants(line, first, count));

    [Fact]
    public void Subordinate_id_parsing_survives_random_lines()
    {
        var random = new Random(7);
        for (var i = 0; i < 5000; i++)
        {
            var line = RandomText(random, random.Next(0, 30)) + (random.Next(2) == 0 ? ":" + random.Next() : "");
            _ = SubordinateIds.Grants(line, (uint)random.Next(), (uint)random.Next());
        }
    }

    private static string RandomText(Random random, int length)
    {
        const string alphabet = "abcXYZ019_-=:;'\" $`\\\n\0/.LD_PRELOAD";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[random.Next(alphabet.Length)];
        }
        return new string(chars);
    }
}
