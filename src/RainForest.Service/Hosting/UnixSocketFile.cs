using System.Net.Sockets;
using RainForest.Core;
using RainForest.Linux;

namespace RainForest.Service.Hosting;

/// <summary>The service's Unix socket file: a stale one is removed at start, the live one at shutdown.</summary>
internal static class UnixSocketFile
{
    /// <summary>
    /// Removes a socket left by a service that was killed, once nothing answers on it; refuses to touch a path that
    /// is no socket or that a live service answers on.
    /// </summary>
    /// <exception cref="RfException">The path is another kind of file (exit code 2), or something listens on it (exit code 2).</exception>
    public static void RemoveStale(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null && !Directory.Exists(path))
        {
            return;
        }

        if (!FileTypes.IsSocket(path))
        {
            throw RfException.Invalid($"{path} exists and is not a socket: remove it or choose another --socket");
        }

        if (Answers(path))
        {
            throw RfException.Conflict($"something already listens on {path} (another rfm serve?)");
        }

        File.Delete(path);
    }

    /// <summary>Removes the socket at shutdown, if it is still a socket.</summary>
    public static void Remove(string path)
    {
        if (FileTypes.IsSocket(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Whether a process accepts connections on the socket.</summary>
    public static bool Answers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
