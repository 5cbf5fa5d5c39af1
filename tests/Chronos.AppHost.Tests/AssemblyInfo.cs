using System.Runtime.Versioning;

// Like the AppHost itself, these tests need Linux: /proc, setpriv, signals, Debian's servers.
[assembly: SupportedOSPlatform("linux")]
