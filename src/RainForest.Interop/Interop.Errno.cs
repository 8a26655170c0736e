namespace RainForest.Interop;

/// <summary>The errno values RainForest tells apart: the one table, with the C names (checked against errno.h in the tests).</summary>
/// <remarks>
/// Linux numbers them the same on x86-64 and arm64. Public because callers outside the interop layer
/// look at <see cref="LinuxException.Errno"/>, and the RFcom C ABI returns these values negated.
/// </remarks>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;

    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;

    /// <summary>No such process.</summary>
    public const int ESRCH = 3;

    /// <summary>Interrupted system call.</summary>
    public const int EINTR = 4;

    /// <summary>Input/output error.</summary>
    public const int EIO = 5;

    /// <summary>No such device or address.</summary>
    public const int ENXIO = 6;

    /// <summary>Bad file descriptor.</summary>
    public const int EBADF = 9;

    /// <summary>No child processes.</summary>
    public const int ECHILD = 10;

    /// <summary>Resource temporarily unavailable.</summary>
    public const int EAGAIN = 11;

    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;

    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;

    /// <summary>File exists.</summary>
    public const int EEXIST = 17;

    /// <summary>Not a directory.</summary>
    public const int ENOTDIR = 20;

    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>No space left on device.</summary>
    public const int ENOSPC = 28;

    /// <summary>Broken pipe.</summary>
    public const int EPIPE = 32;

    /// <summary>File name too long.</summary>
    public const int ENAMETOOLONG = 36;

    /// <summary>Function not implemented (a kernel built without the call).</summary>
    public const int ENOSYS = 38;

    /// <summary>No data available (getxattr: no such attribute).</summary>
    public const int ENODATA = 61;

    /// <summary>Bad message.</summary>
    public const int EBADMSG = 74;

    /// <summary>Message too long.</summary>
    public const int EMSGSIZE = 90;

    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;

    /// <summary>No buffer space available.</summary>
    public const int ENOBUFS = 105;

    /// <summary>Transport endpoint is not connected (a FUSE mount whose server died).</summary>
    public const int ENOTCONN = 107;

    /// <summary>Connection timed out.</summary>
    public const int ETIMEDOUT = 110;

    /// <summary>Disk quota exceeded (as good as a full file system to the writer).</summary>
    public const int EDQUOT = 122;
}
