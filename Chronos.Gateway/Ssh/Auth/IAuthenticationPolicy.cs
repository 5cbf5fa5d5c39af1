namespace Chronos.Gateway.Ssh.Auth;

/// <summary>One credential offered by a client, as the policy sees it.</summary>
public sealed record SshCredential(string UserName, string Method, string? Password, string? PublicKeyFingerprint, int AttemptNumber);

/// <summary>Decides which credentials open the door. The wire answers stay sshd's whatever it decides.</summary>
public interface IAuthenticationPolicy
{
    bool Accepts(SshCredential credential);
}

/// <summary>Accepts listed user/password pairs and listed public key fingerprints (SHA256:…).</summary>
public sealed class ListedCredentialsPolicy(IReadOnlyDictionary<string, string> passwords, IReadOnlySet<string>? publicKeyFingerprints = null) : IAuthenticationPolicy
{
    public bool Accepts(SshCredential credential) => credential.Method switch
    {
        "password" or "keyboard-interactive" => credential.Password is not null &&
            passwords.TryGetValue(credential.UserName, out var expected) && expected == credential.Password,
        "publickey" => credential.PublicKeyFingerprint is not null && publicKeyFingerprints?.Contains(credential.PublicKeyFingerprint) == true,
        _ => false,
    };
}

/// <summary>Accepts the Nth password attempt of a connection (attackers believe a brute force that "works").</summary>
public sealed class AcceptAfterAttemptsPolicy(int attempts) : IAuthenticationPolicy
{
    public bool Accepts(SshCredential credential) =>
        credential.Method is "password" or "keyboard-interactive" && credential.AttemptNumber >= attempts;
}

/// <summary>Accepts every password and every correctly signed key.</summary>
public sealed class AcceptAnyPolicy : IAuthenticationPolicy
{
    public bool Accepts(SshCredential credential) => credential.Method != "none";
}
