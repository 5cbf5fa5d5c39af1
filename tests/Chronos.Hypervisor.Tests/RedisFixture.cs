using Chronos.Testing;

namespace Chronos.Hypervisor.Tests;

/// <summary>One real redis-server per test class; each test makes its own world in it.</summary>
public sealed class RedisFixture : WorldRedisFixture;
