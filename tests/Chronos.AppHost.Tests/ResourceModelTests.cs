using Chronos.AppHost.Hosting;

namespace Chronos.AppHost.Tests;

/// <summary>Which resources run, and the errors a wrong model gets, without starting anything.</summary>
public sealed class ResourceModelTests
{
    private static IDistributedApplicationBuilder Builder(string services) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["Chronos:AppHost:Services"] = services,
                ["Chronos:AppHost:StateDir"] = Path.GetTempPath(),
            },
        });

    [Fact]
    public void Servers_start_only_when_a_running_service_references_them_and_before_it()
    {
        var builder = Builder("api");
        var redis = builder.AddRedis("redis");
        builder.AddPostgres("postgres");
        builder.AddExecutable("api", "true", "/").WithReference(redis).WaitFor(redis);
        builder.AddExecutable("other", "true", "/");
        Assert.Equal(["redis", "api"], builder.Build().PlanStart());
    }

    [Fact]
    public void A_dependency_is_started_before_its_dependents_whatever_the_declaration_order()
    {
        var builder = Builder("front,back");
        var postgres = builder.AddPostgres("postgres");
        var back = builder.AddExecutable("back", "true", "/").WithHttpEndpoint();
        builder.AddExecutable("front", "true", "/").WithReference(back).WaitFor(back);
        back.WithReference(postgres);
        var plan = builder.Build().PlanStart();
        Assert.Equal(["postgres", "back", "front"], plan);
    }

    [Fact]
    public void Waiting_for_a_service_that_is_not_enabled_is_an_error_naming_both()
    {
        var builder = Builder("gateway");
        var fuse = builder.AddExecutable("fuse", "true", "/").WithHttpEndpoint();
        builder.AddExecutable("gateway", "true", "/").WaitFor(fuse);
        var error = Assert.Throws<AppHostConfigurationException>(() => builder.Build().PlanStart());
        Assert.Equal("gateway needs fuse, which is not in Chronos:AppHost:Services (gateway)", error.Message);
    }

    [Fact]
    public void A_dependency_cycle_is_an_error()
    {
        var builder = Builder("a,b");
        var a = builder.AddExecutable("a", "true", "/").WithHttpEndpoint();
        var b = builder.AddExecutable("b", "true", "/").WithHttpEndpoint().WaitFor(a);
        a.WaitFor(b);
        Assert.Contains("dependency cycle", Assert.Throws<AppHostConfigurationException>(() => builder.Build().PlanStart()).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Redis")]
    [InlineData("my_redis")]
    [InlineData("")]
    [InlineData("a b")]
    public void Resource_names_must_be_usable_in_environment_variable_names(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => Builder("x").AddRedis(name));
    }

    [Fact]
    public void A_name_used_twice_is_an_error()
    {
        var builder = Builder("x");
        builder.AddRedis("redis");
        Assert.Throws<AppHostConfigurationException>(() => builder.AddPostgres("redis"));
    }
}
