namespace Chronos.Gateway.Tests.Crypto;

/// <summary>A unique scratch directory for files handed to ssh-keygen, python and openssl; removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("chronos-crypto-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a private key file with mode 0600, which ssh-keygen insists on.</summary>
    public string WritePrivate(string name, string contents)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, contents);
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
