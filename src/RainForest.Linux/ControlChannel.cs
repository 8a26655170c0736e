using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Win32.SafeHandles;

namespace RainForest.Linux;

/// <summary>
/// Length-prefixed JSON frames over a Unix stream socket, optionally carrying descriptors.
/// The control protocol between the supervisor (or <c>rfm exec</c>) and a subOS's agent.
/// </summary>
public sealed class ControlChannel : IDisposable
{
    /// <summary>Largest frame accepted; a command line of a few hundred KiB fits.</summary>
    public const int MaxFrame = 1 << 20;

    private readonly Socket _socket;
    private readonly object _sendLock = new();

    /// <summary>Wraps a connected socket.</summary>
    public ControlChannel(Socket socket) => _socket = socket;

    /// <summary>The underlying socket.</summary>
    public Socket Socket => _socket;

    /// <summary>Connects to a listening agent's socket.</summary>
    /// <exception cref="SocketException">Nobody listens there.</exception>
    public static ControlChannel Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new ControlChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one frame; <paramref name="fds"/> ride with its first byte (the handles stay the caller's).</summary>
    public void Send<T>(T message, JsonTypeInfo<T> type, ReadOnlySpan<SafeHandle> fds = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, type);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        lock (_sendLock)
        {
            FdPassing.Send(_socket, frame, fds);
        }
    }

    /// <summary>Receives one frame, or null at end of stream; descriptors sent with it are added to <paramref name="fds"/>, for the caller to dispose.</summary>
    public T? Receive<T>(JsonTypeInfo<T> type, List<SafeFileHandle>? fds = null)
        where T : class
    {
        var header = new byte[4];
        if (!ReadExactly(header, fds))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length <= 0 || length > MaxFrame)
        {
            throw new InvalidDataException($"control frame of {length} bytes is out of range");
        }

        var body = new byte[length];
        if (!ReadExactly(body, fds))
        {
            throw new EndOfStreamException("control connection closed in the middle of a frame");
        }

        return JsonSerializer.Deserialize(body, type) ?? throw new InvalidDataException("empty control frame");
    }

    private bool ReadExactly(Span<byte> buffer, List<SafeFileHandle>? fds)
    {
        var scratch = fds ?? [];
        var done = 0;
        while (done < buffer.Length)
        {
            var n = FdPassing.Receive(_socket, buffer[done..], scratch);
            if (fds is null)
            {
                // Descriptors nobody asked for must not leak into this process.
                scratch.ForEach(fd => fd.Dispose());
                scratch.Clear();
            }

            if (n == 0)
            {
                return done == 0 ? false : throw new EndOfStreamException("control connection closed in the middle of a frame");
            }

            done += n;
        }

        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
