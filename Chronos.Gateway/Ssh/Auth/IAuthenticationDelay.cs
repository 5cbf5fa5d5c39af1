namespace Chronos.Gateway.Ssh.Auth;

/// <summary>How long a failed password takes to be refused. Injectable so tests run fast.</summary>
public interface IAuthenticationDelay
{
    TimeSpan NextFailureDelay();
}

/// <summary>
/// sshd with PAM on Debian/Ubuntu: pam_unix's randomised FAIL_DELAY of 2 s ±25 % (1.5–2.5 s,
/// measured 1.3–2.4 s at the client once sshd's own per-user 5–9.2 ms base is included), and about
/// a quarter of failures doubled by a second PAM delay (2.6–4.7 s), as measured on 9.2p1.
/// </summary>
public sealed class PamFailureDelay : IAuthenticationDelay
{
    public static TimeSpan MinimumSingle { get; } = TimeSpan.FromSeconds(1.3);
    public static TimeSpan MaximumSingle { get; } = TimeSpan.FromSeconds(2.4);
    public static TimeSpan MinimumDouble { get; } = TimeSpan.FromSeconds(2.6);
    public static TimeSpan MaximumDouble { get; } = TimeSpan.FromSeconds(4.7);

    public TimeSpan NextFailureDelay()
    {
        var random = System.Security.Cryptography.RandomNumberGenerator.GetInt32(1_000_000) / 1_000_000.0;
        var doubled = System.Security.Cryptography.RandomNumberGenerator.GetInt32(4) == 0;
        var (low, high) = doubled ? (MinimumDouble, MaximumDouble) : (MinimumSingle, MaximumSingle);
        return low + ((high - low) * random);
    }
}

/// <summary>No delay: for tests that are not about timing.</summary>
public sealed class NoFailureDelay : IAuthenticationDelay
{
    public TimeSpan NextFailureDelay() => TimeSpan.Zero;
}
