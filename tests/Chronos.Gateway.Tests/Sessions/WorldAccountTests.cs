using Chronos.Gateway.Sessions;

namespace Chronos.Gateway.Tests.Sessions;

public sealed class WorldAccountTests
{
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/bash
        # a comment
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        broken:x:abc:1::/:/bin/sh
        www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
        deploy:x:1001:1001:Deploy,,,:/home/deploy:
        relative:x:1002:1002::home/relative:/bin/bash
        huge:x:70000:1::/:/bin/sh
        """;

    [Theory]
    [InlineData("root", 0u, 0u, "/root", "/bin/bash")]
    [InlineData("www-data", 33u, 33u, "/var/www", "/usr/sbin/nologin")]
    [InlineData("deploy", 1001u, 1001u, "/home/deploy", "/bin/sh")]
    [InlineData("relative", 1002u, 1002u, "/", "/bin/bash")]
    public void Accounts_are_read_as_glibc_reads_them(string user, uint uid, uint gid, string home, string shell) =>
        Assert.Equal(new WorldAccount(user, uid, gid, home, shell), WorldAccount.Find(Passwd, user));

    [Theory]
    [InlineData("broken")]
    [InlineData("huge")]
    [InlineData("nobody")]
    [InlineData("")]
    public void Malformed_out_of_range_or_absent_users_are_not_found(string user) =>
        Assert.Null(WorldAccount.Find(Passwd, user));

    [Fact]
    public void Random_passwd_files_never_throw_and_never_yield_an_id_outside_the_mapped_range()
    {
        var random = new Random(1123);
        const string alphabet = "root:x0123456789/\n#+-abc\r";
        for (var i = 0; i < 5000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (WorldAccount.Find(text, "root") is { } account)
            {
                Assert.InRange(account.Uid, 0u, 65_535u);
                Assert.StartsWith("/", account.Home, StringComparison.Ordinal);
            }
        }
    }
}
