using Chronos.Fuse.FileSystem;

namespace Chronos.Fuse.Tests;

/// <summary>When a directory's names may be answered from memory, and when they must not.</summary>
public sealed class KnownDirectoriesTests
{
    [Fact]
    public void Only_a_directory_made_here_is_known_and_only_while_no_change_is_in_flight()
    {
        var known = new KnownDirectories();
        Assert.False(known.IsAbsent(7, "a"));
        known.Made(7);
        Assert.True(known.IsAbsent(7, "a"));
        known.Begin(7);
        Assert.False(known.IsAbsent(7, "a"));
        Assert.False(known.IsAbsent(7, "b"));
        known.End(7, added: "a", removed: null);
        Assert.False(known.IsAbsent(7, "a"));
        Assert.True(known.IsAbsent(7, "b"));
        known.Begin(7);
        known.End(7, added: "b", removed: "a");
        Assert.True(known.IsAbsent(7, "a"));
        Assert.False(known.IsAbsent(7, "b"));
    }

    [Fact]
    public void A_change_elsewhere_or_lost_notices_make_directories_unknown()
    {
        var known = new KnownDirectories();
        known.Made(1);
        known.Made(2);
        known.Forget(1);
        Assert.False(known.IsAbsent(1, "x"));
        Assert.True(known.IsAbsent(2, "x"));
        known.ForgetAll();
        Assert.False(known.IsAbsent(2, "x"));
        // A change that ends after its directory was forgotten does not bring it back.
        known.Begin(2);
        known.End(2, added: "y", removed: null);
        Assert.False(known.IsAbsent(2, "x"));
    }
}
