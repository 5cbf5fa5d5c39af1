using System.Runtime.Versioning;

// The AppHost is Linux-only by design: setpriv/PR_SET_PDEATHSIG, setsid, kill(2), Debian packages.
[assembly: SupportedOSPlatform("linux")]
