using Chronos.AppHost.Hosting;
using Npgsql;

namespace Chronos.AppHost.Tests;

/// <summary>
/// AddPostgres for real: Debian's PostgreSQL initialised into the state directory (as the
/// postgres user, since the tests run as root), its connection string injected into a service
/// that references it, data kept across a stop and a start.
/// </summary>
public sealed class PostgresResourceTests : IDisposable
{
    private readonly string _state = AppHostProcess.NewStateDirectory();

    private DistributedApplication Build(string probeFile, StringWriter output)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Configuration = new Dictionary<string, string?>
            {
                ["Chronos:AppHost:Services"] = "client",
                ["Chronos:AppHost:StateDir"] = _state,
            },
            Output = TextWriter.Synchronized(output),
        });
        var postgres = builder.AddPostgres("postgres");
        // A service that records what the AppHost injected, then idles until stopped.
        builder.AddExecutable("client", "bash", _state, "-c", $"printf '%s' \"$ConnectionStrings__postgres\" > {probeFile}; exec sleep 600")
            .WithReference(postgres).WaitFor(postgres);
        return builder.Build();
    }

    [Fact]
    public async Task Postgres_is_initialised_started_injected_and_stopped_cleanly_and_keeps_its_data()
    {
        var probe = Path.Combine(_state, "injected");
        var output = new StringWriter();
        int postgresPid;
        await using (var app = Build(probe, output))
        {
            await app.StartAsync();
            var connectionString = app.GetConnectionString("postgres")!;
            Assert.StartsWith("Host=127.0.0.1;Port=", connectionString, StringComparison.Ordinal);
            Assert.Equal(connectionString, await WaitForFileAsync(probe));
            postgresPid = app.GetProcessId("postgres")!.Value;
            Assert.Contains("Uid:\t101", await File.ReadAllTextAsync($"/proc/{postgresPid}/status"), StringComparison.Ordinal);

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using (var create = new NpgsqlCommand("CREATE TABLE audit (id int primary key, what text); INSERT INTO audit VALUES (1, 'kept')", connection))
            {
                await create.ExecuteNonQueryAsync();
            }
        }
        Assert.False(ProcFs.IsAlive(postgresPid));
        Assert.Contains("database system is shut down", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("postgres stopped (exit code 0)", output.ToString(), StringComparison.Ordinal);

        // Second run: no initdb, same password, same data.
        File.Delete(probe);
        var second = new StringWriter();
        await using (var app = Build(probe, second))
        {
            await app.StartAsync();
            Assert.DoesNotContain("initializing PostgreSQL", second.ToString(), StringComparison.Ordinal);
            await using var connection = new NpgsqlConnection(app.GetConnectionString("postgres"));
            await connection.OpenAsync();
            await using var select = new NpgsqlCommand("SELECT what FROM audit WHERE id = 1", connection);
            Assert.Equal("kept", await select.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var output = new StringWriter();
        await using var app = Build(Path.Combine(_state, "injected"), output);
        await app.StartAsync();
        var builder = new NpgsqlConnectionStringBuilder(app.GetConnectionString("postgres")) { Password = "wrong" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await Assert.ThrowsAsync<PostgresException>(() => connection.OpenAsync());
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            await poll.WaitForNextTickAsync(deadline.Token);
        }
        return await File.ReadAllTextAsync(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
