namespace Chronos.Hypervisor.FileSystem;

/// <summary>
/// The outcome of a filesystem verb: a value, or the errno Linux would give. Errors are values,
/// not exceptions, because ENOENT is the most common answer on the FUSE hot path (every PATH
/// search of a shell). Infrastructure failures (Redis down) are exceptions and become EIO at the
/// FUSE boundary.
/// </summary>
public readonly record struct FsResult<T>
{
    private readonly T? _value;

    private FsResult(T? value, Errno error)
    {
        _value = value;
        Error = error;
    }

    public Errno Error { get; }

    public bool IsOk => Error == Errno.None;

    /// <summary>The value; throws when the result is an error.</summary>
    public T Value => IsOk ? _value! : throw new InvalidOperationException($"FsResult is {Error}");

    public static FsResult<T> Ok(T value) => new(value, Errno.None);

    public static FsResult<T> Fail(Errno error) =>
        error == Errno.None ? throw new ArgumentOutOfRangeException(nameof(error)) : new(default, error);

    public static implicit operator FsResult<T>(Errno error) => Fail(error);

    /// <summary>A value is a success (added so that verbs can <c>return value;</c> as they <c>return Errno.X;</c>).</summary>
    public static implicit operator FsResult<T>(T value) => Ok(value);

    public override string ToString() => IsOk ? $"Ok({_value})" : Error.ToString();
}
