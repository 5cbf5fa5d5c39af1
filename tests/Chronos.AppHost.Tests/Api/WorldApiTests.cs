using System.Net;
using System.Text.Json;
using Chronos.Hypervisor.FileSystem;

namespace Chronos.AppHost.Tests.Api;

/// <summary>The read-only world browser API against a real redis-server and a real world.</summary>
public sealed class WorldApiTests(WorldApiFixture fixture) : IClassFixture<WorldApiFixture>
{
    private readonly HttpClient _http = fixture.Http;

    private async Task<JsonElement> GetJsonAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await _http.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {body}");
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return JsonDocument.Parse(body).RootElement;
    }

    private async Task<string> ProblemAsync(string url, HttpStatusCode expected)
    {
        var problem = await GetJsonAsync(url, expected);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Lists_worlds_with_usage()
    {
        var worlds = await GetJsonAsync("/api/worlds");
        var shop = Assert.Single(worlds.EnumerateArray(), w => w.GetProperty("name").GetString() == WorldApiFixture.World);
        Assert.Equal("webshop", shop.GetProperty("persona").GetString());
        Assert.True(shop.GetProperty("usedBytes").GetInt64() >= WorldApiFixture.Big.Length);
        Assert.True(shop.GetProperty("usedInodes").GetInt64() >= 10);
    }

    [Fact]
    public async Task Gets_one_world_and_refuses_unknown_and_invalid_names()
    {
        var shop = await GetJsonAsync("/api/worlds/shop");
        Assert.Equal(1L << 30, shop.GetProperty("quotaBytes").GetInt64());
        Assert.Equal("world 'nosuch' does not exist", await ProblemAsync("/api/worlds/nosuch", HttpStatusCode.NotFound));
        Assert.Contains("is not a world name", await ProblemAsync("/api/worlds/Bad.Name", HttpStatusCode.BadRequest), StringComparison.Ordinal);
        foreach (var endpoint in new[] { "fs?path=/", "audit", "sessions", "fsck" })
        {
            await ProblemAsync($"/api/worlds/nosuch/{endpoint}", HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task A_directory_lists_its_entries_with_ls_columns()
    {
        var listing = await GetJsonAsync("/api/worlds/shop/fs?path=/etc");
        Assert.Equal("/etc", listing.GetProperty("path").GetString());
        Assert.Equal("directory", listing.GetProperty("directory").GetProperty("kind").GetString());
        var entries = listing.GetProperty("entries").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(["passwd", "shadow"], entries.Keys.Order());
        var passwd = entries["passwd"];
        Assert.Equal("file", passwd.GetProperty("kind").GetString());
        Assert.Equal("0644", passwd.GetProperty("mode").GetString());
        Assert.Equal(WorldApiFixture.Passwd.Length, passwd.GetProperty("size").GetInt64());
        Assert.Equal(0u, passwd.GetProperty("uid").GetUInt32());
        Assert.Equal(1u, passwd.GetProperty("nlink").GetUInt32());
        Assert.Equal("stored", passwd.GetProperty("content").GetString());
        Assert.True(passwd.GetProperty("ino").GetUInt64() > 1);
        Assert.True(passwd.GetProperty("mtime").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));
        var shadow = entries["shadow"];
        Assert.Equal("0640", shadow.GetProperty("mode").GetString());
        Assert.Equal(42u, shadow.GetProperty("gid").GetUInt32());
        Assert.Equal("ghost", shadow.GetProperty("content").GetString());

        var root = await GetJsonAsync("/api/worlds/shop/fs?path=/");
        var bin = Assert.Single(root.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == "bin");
        Assert.Equal("symlink", bin.GetProperty("kind").GetString());
        Assert.Equal("usr/bin", bin.GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_file_gives_attributes_and_on_request_its_bytes_as_base64_or_raw()
    {
        var view = await GetJsonAsync("/api/worlds/shop/fs?path=/etc/passwd");
        Assert.Equal("passwd", view.GetProperty("file").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("contentBase64").ValueKind);

        var withContent = await GetJsonAsync("/api/worlds/shop/fs?path=/etc/passwd&content=true");
        Assert.Equal(WorldApiFixture.Passwd, Convert.FromBase64String(withContent.GetProperty("contentBase64").GetString()!));
        Assert.False(withContent.GetProperty("contentTruncated").GetBoolean());

        using var raw = await _http.GetAsync(new Uri("/api/worlds/shop/fs?path=/etc/passwd&raw=true", UriKind.Relative));
        Assert.Equal("application/octet-stream", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WorldApiFixture.Passwd, await raw.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Content_is_capped_at_1_MiB_and_says_so()
    {
        var view = await GetJsonAsync("/api/worlds/shop/fs?path=/big&content=true");
        Assert.True(view.GetProperty("contentTruncated").GetBoolean());
        Assert.Equal(WorldApiFixture.Big.AsSpan(0, 1 << 20).ToArray(), Convert.FromBase64String(view.GetProperty("contentBase64").GetString()!));
        using var raw = await _http.GetAsync(new Uri("/api/worlds/shop/fs?path=/big&raw=true", UriKind.Relative));
        Assert.Equal("true", raw.Headers.GetValues("X-Chronos-Truncated").Single());
        Assert.Equal(1 << 20, (await raw.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task A_ghost_file_is_reported_never_generated()
    {
        var view = await GetJsonAsync("/api/worlds/shop/fs?path=/etc/shadow&content=true");
        Assert.Equal("ghost", view.GetProperty("file").GetProperty("content").GetString());
        Assert.Equal("persona:shadow", view.GetProperty("file").GetProperty("origin").GetString());
        Assert.Equal(100, view.GetProperty("file").GetProperty("size").GetInt64());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("contentBase64").ValueKind);
        Assert.Contains("is ghost", await ProblemAsync("/api/worlds/shop/fs?path=/etc/shadow&raw=true", HttpStatusCode.Conflict), StringComparison.Ordinal);

        var after = await fixture.Fs.GetAttrAsync(fixture.ShadowIno);
        Assert.Equal(ContentState.Ghost, after.Value.Content);
    }

    [Fact]
    public async Task A_lazy_directory_is_reported_lazy_listed_as_it_is_and_never_populated()
    {
        var listing = await GetJsonAsync("/api/worlds/shop/fs?path=/var/lib");
        Assert.True(listing.GetProperty("directory").GetProperty("lazy").GetBoolean());
        Assert.Equal("persona:varlib", listing.GetProperty("directory").GetProperty("origin").GetString());
        Assert.Equal(["note"], listing.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Contains("lazy directory", await ProblemAsync("/api/worlds/shop/fs?path=/var/lib/mysql", HttpStatusCode.NotFound), StringComparison.Ordinal);
        Assert.True((await fixture.Fs.GetAttrAsync(fixture.VarLibIno)).Value.IsLazyDirectory);
    }

    [Theory]
    [InlineData("/bin/tool", "/usr/bin/tool")]
    [InlineData("/usr/bin/../../etc/./passwd", "/etc/passwd")]
    [InlineData("//etc//passwd", "/etc/passwd")]
    [InlineData("/../..", "/")]
    [InlineData("/bin/", "/usr/bin")]
    public async Task Paths_resolve_as_the_kernel_walks_them(string path, string resolved)
    {
        var view = await GetJsonAsync("/api/worlds/shop/fs?path=" + Uri.EscapeDataString(path));
        Assert.Equal(resolved, view.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_final_symlink_is_reported_not_followed()
    {
        var view = await GetJsonAsync("/api/worlds/shop/fs?path=/bin");
        Assert.Equal("symlink", view.GetProperty("file").GetProperty("kind").GetString());
        Assert.Equal("usr/bin", view.GetProperty("file").GetProperty("target").GetString());
    }

    [Theory]
    [InlineData("etc", HttpStatusCode.BadRequest, "must be absolute")]
    [InlineData("/etc/passwd/x", HttpStatusCode.BadRequest, "/etc/passwd is not a directory")]
    [InlineData("/etc/passwd/", HttpStatusCode.BadRequest, "/etc/passwd is not a directory")]
    [InlineData("/etc/nosuch", HttpStatusCode.NotFound, "/etc/nosuch does not exist")]
    [InlineData("/loop/x", HttpStatusCode.BadRequest, "ELOOP")]
    public async Task Bad_paths_get_a_clear_problem(string path, HttpStatusCode status, string detail)
    {
        Assert.Contains(detail, await ProblemAsync("/api/worlds/shop/fs?path=" + Uri.EscapeDataString(path), status), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlong_name_or_path_and_bad_flags_are_bad_requests()
    {
        await ProblemAsync("/api/worlds/shop/fs?path=/" + new string('a', 300), HttpStatusCode.BadRequest);
        await ProblemAsync("/api/worlds/shop/fs?path=/" + string.Join('/', Enumerable.Repeat("abcdefgh", 600)), HttpStatusCode.BadRequest);
        await ProblemAsync("/api/worlds/shop/fs?path=/etc/passwd&content=maybe", HttpStatusCode.BadRequest);
        Assert.Contains("only regular files", await ProblemAsync("/api/worlds/shop/fs?path=/bin&content=true", HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_pages_through_the_stream_in_order()
    {
        var first = await GetJsonAsync("/api/worlds/shop/audit?after=0&count=3");
        var events = first.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal("shop", e.GetProperty("world").GetString()));
        var next = first.GetProperty("next").GetString()!;
        Assert.Equal(events[^1].GetProperty("id").GetString(), next);

        var rest = await GetJsonAsync($"/api/worlds/shop/audit?after={next}&count=1000");
        var restEvents = rest.GetProperty("events").EnumerateArray().ToList();
        Assert.DoesNotContain(restEvents, e => events.Any(f => f.GetProperty("id").GetString() == e.GetProperty("id").GetString()));
        // The session's mknod in the lazy directory is attributed to it.
        Assert.Contains(restEvents.Concat(events), e => e.GetProperty("session").GetString() == "s1" && e.GetProperty("name").GetString() == "note");

        var end = await GetJsonAsync($"/api/worlds/shop/audit?after={rest.GetProperty("next").GetString()}");
        Assert.Empty(end.GetProperty("events").EnumerateArray());
    }

    [Theory]
    [InlineData("after=abc")]
    [InlineData("after=1-2-3")]
    [InlineData("count=0")]
    [InlineData("count=1001")]
    [InlineData("count=-5")]
    public async Task Bad_audit_positions_are_bad_requests(string query)
    {
        await ProblemAsync("/api/worlds/shop/audit?" + query, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Sessions_are_listed()
    {
        var sessions = await GetJsonAsync("/api/worlds/shop/sessions");
        var s1 = Assert.Single(sessions.EnumerateArray());
        Assert.Equal("s1", s1.GetProperty("id").GetString());
        Assert.Equal("root", s1.GetProperty("user").GetString());
        Assert.Equal("/root", s1.GetProperty("cwd").GetString());
        Assert.Equal(JsonValueKind.Null, s1.GetProperty("ended").ValueKind);
    }

    [Fact]
    public async Task Fsck_reports_the_world_clean()
    {
        var report = await GetJsonAsync("/api/worlds/shop/fsck");
        Assert.True(report.GetProperty("clean").GetBoolean(), report.ToString());
        Assert.Empty(report.GetProperty("violations").EnumerateArray());
        Assert.True(report.GetProperty("inodes").GetInt64() >= 10);
    }

    [Fact]
    public async Task The_dashboard_is_one_page_that_uses_the_API()
    {
        using var response = await _http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("/api/worlds", html, StringComparison.Ordinal);
        Assert.Contains("setInterval(refresh, 2000)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("innerHTML", html, StringComparison.Ordinal);
    }
}
