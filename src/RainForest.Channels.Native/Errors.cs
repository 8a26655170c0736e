using System.Threading.Channels;

namespace RainForest.Channels.Native;

/// <summary>Maps the library's exceptions to the negative errno values rfcom.h documents, remembering the message for rf_last_error.</summary>
internal static class Errors
{
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int ENXIO = 6;
    public const int EIO = 5;
    public const int EBADMSG = 74;
    public const int EMSGSIZE = 90;
    public const int ENOBUFS = 105;

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
            ChannelFormatException => EBADMSG,
            ChannelClosedException => EPIPE,
            ArgumentException => EINVAL,
            ObjectDisposedException => EBADF,
            _ => EIO,
        });
    }
}
