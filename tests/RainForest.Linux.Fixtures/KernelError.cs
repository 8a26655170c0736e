using RainForest.Interop;

namespace RainForest.Linux.Fixtures;

/// <summary>The exceptions a failed system call surfaces as through .NET's file APIs, which the host's kernel files throw too.</summary>
internal static class KernelError
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EIO = 5;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ERANGE = 34;

    /// <summary>The exception for <paramref name="errno"/> from <paramref name="operation"/> on <paramref name="path"/>.</summary>
    public static Exception Of(int errno, string operation, string path)
    {
        var error = new LinuxException(errno, operation, path);
        return errno switch
        {
            // .NET maps these to UnauthorizedAccessException, whatever the call.
            EPERM or EACCES => new UnauthorizedAccessException(error.Message, error),
            ENOENT => new FileNotFoundException(error.Message, path, error),
            _ => error,
        };
    }
}
