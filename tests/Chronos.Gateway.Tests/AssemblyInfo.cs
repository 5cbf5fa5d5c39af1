// The Gateway and its real clients (OpenSSH, dropbear, PuTTY, paramiko) run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
