using Chronos.Gateway.Ssh.Auth;

namespace Chronos.Gateway.Tests.Infrastructure;

/// <summary>
/// One Debian 12 Gateway shared by a test class: user "root" with password "hunter2" and the
/// three ssh-keygen client keys are accepted; everything else is refused.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const string User = "root";
    public const string Password = "hunter2";

    public GatewayServer Server { get; private set; } = null!;

    public ClientKeys Keys { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keys = await ClientKeys.CreateAsync();
        var policy = new ListedCredentialsPolicy(
            new Dictionary<string, string> { [User] = Password },
            new HashSet<string> { Keys.Fingerprint("ed25519"), Keys.Fingerprint("rsa"), Keys.Fingerprint("ecdsa") });
        Server = await GatewayServer.StartAsync(policy: policy);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
