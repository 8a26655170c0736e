using System.Threading.Channels;
using RainForest.Interop;

namespace RainForest.Channels.Native;

/// <summary>Maps the library's exceptions to the negative errno values rfcom.h documents, remembering the message for rf_last_error.</summary>
internal static class Errors
{
    [ThreadStatic]
    private static string? t_lastError;

    public static string? LastError => t_lastError;

    /// <summary>Records a failure and returns its negative errno.</summary>
    public static int Fail(int errno, string message)
    {
        t_lastError = message;
        return -errno;
    }

    /// <summary>Records an exception and returns its negative errno.</summary>
    public static int From(Exception error)
    {
        t_lastError = error.Message;
        return -(error switch
        {
            SharedMemoryException io => io.ErrorNumber,
            ChannelFormatException => Errno.EBADMSG,
            ChannelClosedException => Errno.EPIPE,
            ArgumentException => Errno.EINVAL,
            ObjectDisposedException => Errno.EBADF,
            _ => Errno.EIO,
        });
    }
}
