namespace Chronos.Hypervisor.Tests.Differential;

/// <summary>One side of the differential test: the same path-level operation on Linux or on the Hypervisor.
/// Every call returns 0 or a Linux errno.</summary>
internal interface IFsSide
{
    Task<int> MknodAsync(string path, uint mode, ulong rdev);
    Task<int> MkdirAsync(string path, uint mode);
    Task<int> UnlinkAsync(string path);
    Task<int> RmdirAsync(string path);
    Task<int> RenameAsync(string from, string to, uint flags);
    Task<int> LinkAsync(string from, string to);
    Task<int> SymlinkAsync(string target, string path);
    Task<int> WriteAsync(string path, long offset, byte[] data);
    Task<int> TruncateAsync(string path, long size);
    Task<int> ChmodAsync(string path, uint mode);
    Task<int> SetXattrAsync(string path, string name, byte[] value, int flags);
    Task<int> RemoveXattrAsync(string path, string name);

    /// <summary>Opens a regular file for reading and writing; the handle survives unlink.</summary>
    Task<(int Errno, int Handle)> OpenAsync(string path);
    Task<int> WriteHandleAsync(int handle, long offset, byte[] data);
    Task<(int Errno, byte[] Content)> ReadHandleAsync(int handle, int max);
    Task<int> CloseAsync(int handle);

    /// <summary>lstat: kind and permission bits, nlink, size, rdev, and an identity for hard-link grouping.</summary>
    Task<(int Errno, Node Node)> StatAsync(string path);
    Task<(int Errno, List<string> Names)> ListAsync(string path);
    Task<byte[]> ReadFileAsync(string path, long size);
    Task<string> ReadLinkAsync(string path);
    Task<SortedDictionary<string, string>> XattrsAsync(string path);
}

internal readonly record struct Node(ulong Identity, uint Mode, ulong Nlink, long Size, ulong Rdev)
{
    public bool IsDir => (Mode & 0xF000) == 0x4000;
    public bool IsRegular => (Mode & 0xF000) == 0x8000;
    public bool IsSymlink => (Mode & 0xF000) == 0xA000;
}
