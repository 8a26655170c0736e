using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux.Namespaces;

/// <summary>Makes sockets inside another network namespace (a subOS's), for a client that must reach it as its neighbours do.</summary>
/// <remarks>
/// A socket belongs to the network namespace of the thread that created it, for its whole life; connecting,
/// sending and receiving then work from any thread. So one thread of its own joins the namespace once
/// (setns(CLONE_NEWNET) needs no private file-system context, unlike a mount namespace) and creates every socket
/// asked for; the rest of the process never leaves its own namespace. The thread ends on <see cref="Dispose"/>.
/// </remarks>
public sealed class NetworkNamespace : IDisposable
{
    private readonly BlockingCollection<Request> _requests = new();
    private readonly Thread _thread;

    private NetworkNamespace(SafeFileHandle handle, string path)
    {
        Path = path;
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Serve(handle, joined)) { IsBackground = true, Name = "netns-sockets" };
        _thread.Start();
        try
        {
            joined.Task.GetAwaiter().GetResult();
        }
        finally
        {
            handle.Dispose();
        }
    }

    /// <summary>The namespace file joined (<c>/proc/PID/ns/net</c> or <c>/run/netns/NAME</c>).</summary>
    public string Path { get; }

    /// <summary>Joins the namespace at <paramref name="path"/>.</summary>
    /// <exception cref="LinuxException">It could not be opened or joined (no CAP_SYS_ADMIN over its owner, or not a network namespace).</exception>
    public static NetworkNamespace Open(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LinuxException($"open {path}: {e.Message}", 2, "open", path, e);
        }

        return new NetworkNamespace(handle, path);
    }

    /// <summary>Creates a socket inside the namespace.</summary>
    public Socket CreateSocket(AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var request = new Request(family, type, protocol);
        _requests.Add(request);
        return request.Result.Task.GetAwaiter().GetResult();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join();
        _requests.Dispose();
    }

    private void Serve(SafeFileHandle handle, TaskCompletionSource joined)
    {
        if (Libc.setns(handle, Libc.CLONE_NEWNET) < 0)
        {
            joined.SetException(Errors.Last("setns net", Path));
            return;
        }

        joined.SetResult();
        foreach (var request in _requests.GetConsumingEnumerable())
        {
            try
            {
                request.Result.SetResult(new Socket(request.Family, request.Type, request.Protocol));
            }
            catch (Exception e)
            {
                request.Result.SetException(e);
            }
        }
    }

    private sealed record Request(AddressFamily Family, SocketType Type, ProtocolType Protocol)
    {
        public TaskCompletionSource<Socket> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
