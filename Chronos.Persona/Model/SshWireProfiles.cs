using System.Text.RegularExpressions;

namespace Chronos.Persona.Model;

/// <summary>
/// The identification strings the Gateway can impersonate byte for byte (its wire profiles),
/// and the distribution release each belongs to. A persona must pick one of these: a banner the
/// SSH layer cannot reproduce exactly (key exchange lists, extension order) is a fingerprint.
/// </summary>
public static partial class SshWireProfiles
{
    public const string Debian12 = "debian-12";
    public const string Ubuntu2204 = "ubuntu-22.04";
    public const string Ubuntu2404 = "ubuntu-24.04";

    /// <summary>Which profile a banner belongs to, or null when the Gateway cannot speak it.</summary>
    public static string? ProfileOf(string banner)
    {
        if (banner == "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10")
        {
            return Debian12;
        }
        var jammy = Ubuntu2204Banner().Match(banner);
        if (jammy.Success && int.TryParse(jammy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 5 and <= 13)
        {
            return Ubuntu2204;
        }
        return Ubuntu2404Banner().IsMatch(banner) ? Ubuntu2404 : null;
    }

    /// <summary>The os-release (ID, VERSION_ID) a profile implies.</summary>
    public static (string Id, string VersionId) ReleaseOf(string profile) => profile switch
    {
        Debian12 => ("debian", "12"),
        Ubuntu2204 => ("ubuntu", "22.04"),
        Ubuntu2404 => ("ubuntu", "24.04"),
        _ => ("", ""),
    };

    [GeneratedRegex(@"^SSH-2\.0-OpenSSH_8\.9p1 Ubuntu-3ubuntu0\.([0-9]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Ubuntu2204Banner();

    [GeneratedRegex(@"^SSH-2\.0-OpenSSH_9\.6p1 Ubuntu-3ubuntu13\.[0-9]{1,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Ubuntu2404Banner();
}
