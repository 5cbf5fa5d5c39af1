using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Chronos.Gateway.Tests;

public sealed class LogEventIdTests
{
    /// <summary>An event id names one message: log queries and alerts filter on it.</summary>
    [Fact]
    public void Every_log_event_of_the_gateway_has_an_id_of_its_own()
    {
        var events = typeof(Chronos.Gateway.Ssh.SshServer).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Attribute!.EventId > 0, $"{e.Method.DeclaringType}.{e.Method.Name} has no event id"));
        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => $"{e.Method.DeclaringType!.Name}.{e.Method.Name}"))}");
        Assert.Empty(shared);
    }
}
