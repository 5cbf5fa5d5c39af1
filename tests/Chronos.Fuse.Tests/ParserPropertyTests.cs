using Chronos.Fuse.Coherence;

namespace Chronos.Fuse.Tests;

/// <summary>Property and fuzz tests of the change-notice format between mounts.</summary>
public sealed class ParserPropertyTests
{
    [Fact]
    public void Notices_round_trip_for_any_name_and_malformed_messages_fail_cleanly()
    {
        var random = new Random(11);
        for (var i = 0; i < 3000; i++)
        {
            var notices = Enumerable.Range(0, random.Next(0, 6)).Select(_ =>
                random.Next(2) == 0
                    ? new WorldChangeFeed.Notice((ulong)random.NextInt64(), null)
                    // Any name Linux allows: 1..255 chars, no NUL, no '/', '|' and newlines included.
                    : new WorldChangeFeed.Notice((ulong)random.NextInt64(), new string([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => "ab|\n \\é"[random.Next(7)])]))).ToList();
            var client = "host:/run/chronos/worlds/w" + i;
            var (decodedClient, decoded) = WorldChangeFeed.Decode(WorldChangeFeed.Encode(client, notices));
            Assert.Equal(client, decodedClient);
            Assert.Equal(notices, decoded);

            var garbage = new string([.. Enumerable.Range(0, random.Next(0, 60)).Select(_ => "\0ie|0123x\n"[random.Next(10)])]);
            try
            {
                WorldChangeFeed.Decode(garbage);
            }
            catch (FormatException)
            {
                // A clear error is the only other acceptable outcome.
            }
        }
    }
}
