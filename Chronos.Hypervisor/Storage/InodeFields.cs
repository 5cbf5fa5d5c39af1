using System.Globalization;
using Chronos.Hypervisor.FileSystem;
using StackExchange.Redis;

namespace Chronos.Hypervisor.Storage;

/// <summary>Turns an inode hash (short field names, see <see cref="Keys.Inode"/>) into attributes.</summary>
internal static class InodeFields
{
    public static InodeAttributes Parse(ulong ino, RedisResult[] flat)
    {
        var fields = new Raw();
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            fields.Set((string)flat[i]!, (string)flat[i + 1]!);
        }
        return fields.ToAttributes(ino);
    }

    public static InodeAttributes? Parse(ulong ino, HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }
        var fields = new Raw();
        foreach (var entry in entries)
        {
            fields.Set((string)entry.Name!, (string)entry.Value!);
        }
        return fields.ToAttributes(ino);
    }

    private static long L(string s) => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    private struct Raw
    {
        private uint _mode, _nlink, _uid, _gid;
        private long _size, _bytes;
        private ulong _rdev;
        private long _atime, _mtime, _ctime;
        private ContentState _state;
        private bool _lazy;
        private string? _origin;

        public void Set(string field, string value)
        {
            switch (field)
            {
                case "m": _mode = (uint)L(value); break;
                case "n": _nlink = (uint)Math.Max(0, L(value)); break;
                case "u": _uid = (uint)L(value); break;
                case "g": _gid = (uint)L(value); break;
                case "s": _size = L(value); break;
                case "b": _bytes = L(value); break;
                case "r": _rdev = (ulong)L(value); break;
                case "a": _atime = L(value); break;
                case "t": _mtime = L(value); break;
                case "c": _ctime = L(value); break;
                case "st": _state = (ContentState)L(value); break;
                case "z": _lazy = value == "1"; break;
                case "o": _origin = value; break;
                default: break;
            }
        }

        public readonly InodeAttributes ToAttributes(ulong ino) => new()
        {
            Ino = ino,
            Mode = _mode,
            Nlink = _nlink,
            Uid = _uid,
            Gid = _gid,
            Size = _size,
            Blocks = (_bytes + 511) / 512,
            Rdev = _rdev,
            Atime = Timespec.FromUnixNanoseconds(_atime),
            Mtime = Timespec.FromUnixNanoseconds(_mtime),
            Ctime = Timespec.FromUnixNanoseconds(_ctime),
            Content = _state,
            IsLazyDirectory = _lazy,
            Origin = _origin,
        };
    }
}
