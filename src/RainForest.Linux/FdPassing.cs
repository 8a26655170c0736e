using System.Net.Sockets;

namespace RainForest.Linux;

/// <summary>Sends and receives bytes together with open file descriptors over a Unix socket (SCM_RIGHTS).</summary>
/// <remarks>
/// This is how <c>rfm exec</c> hands its own stdin, stdout and stderr to a program inside a
/// subOS: the program writes straight to the caller's terminal or pipe, with no copying relay.
/// </remarks>
public static class FdPassing
{
    /// <summary>Most descriptors one message carries.</summary>
    public const int MaxFds = 8;

    /// <summary>Sends <paramref name="data"/> (at least one byte) with <paramref name="fds"/> attached.</summary>
    public static unsafe void Send(Socket socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        if (data.IsEmpty || fds.Length > MaxFds)
        {
            throw new ArgumentException("FD passing needs at least one data byte and at most 8 descriptors.");
        }

        var controlSize = CmsgSpace(fds.Length);
        var control = stackalloc byte[CmsgSpace(MaxFds)];
        new Span<byte>(control, controlSize).Clear();
        var header = (Interop.Libc.CmsgHdr*)control;
        header->Length = (nuint)(sizeof(Interop.Libc.CmsgHdr) + (sizeof(int) * fds.Length));
        header->Level = Interop.Libc.SOL_SOCKET;
        header->Type = Interop.Libc.SCM_RIGHTS;
        fds.CopyTo(new Span<int>(control + sizeof(Interop.Libc.CmsgHdr), fds.Length));

        var sent = 0;
        fixed (byte* p = data)
        {
            while (sent < data.Length)
            {
                var iov = new Interop.Libc.IoVec { Base = p + sent, Length = (nuint)(data.Length - sent) };
                var msg = new Interop.Libc.MsgHdr { Iov = &iov, IovLength = 1 };
                if (sent == 0 && fds.Length > 0)
                {
                    msg.Control = control;
                    msg.ControlLength = (nuint)controlSize;
                }

                var msgPtr = &msg;
                var n = Interop.RetryOnEintr(() => (int)Interop.Libc.sendmsg(socket.Handle, msgPtr, Interop.Libc.MSG_NOSIGNAL));
                if (n < 0)
                {
                    throw Interop.LastError("sendmsg");
                }

                sent += n;
            }
        }
    }

    /// <summary>
    /// Receives up to <paramref name="buffer"/>.Length bytes and any descriptors sent with them.
    /// Returns the byte count (0 at end of stream); received descriptors are close-on-exec.
    /// </summary>
    public static unsafe int Receive(Socket socket, Span<byte> buffer, List<int> fds)
    {
        var control = stackalloc byte[CmsgSpace(MaxFds)];
        int n;
        Interop.Libc.MsgHdr msg;
        fixed (byte* p = buffer)
        {
            var iov = new Interop.Libc.IoVec { Base = p, Length = (nuint)buffer.Length };
            msg = new Interop.Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)CmsgSpace(MaxFds) };
            var msgPtr = &msg;
            n = Interop.RetryOnEintr(() => (int)Interop.Libc.recvmsg(socket.Handle, msgPtr, Interop.Libc.MSG_CMSG_CLOEXEC));
        }

        if (n < 0)
        {
            throw Interop.LastError("recvmsg");
        }

        if (msg.ControlLength >= (nuint)sizeof(Interop.Libc.CmsgHdr))
        {
            var header = (Interop.Libc.CmsgHdr*)control;
            if (header->Level == Interop.Libc.SOL_SOCKET && header->Type == Interop.Libc.SCM_RIGHTS)
            {
                var count = ((int)header->Length - sizeof(Interop.Libc.CmsgHdr)) / sizeof(int);
                var data = (int*)(control + sizeof(Interop.Libc.CmsgHdr));
                for (var i = 0; i < count; i++)
                {
                    fds.Add(data[i]);
                }
            }
        }

        return n;
    }

    private static int CmsgSpace(int fdCount) => 16 + (((fdCount * sizeof(int)) + 7) & ~7);

    /// <summary>Closes a raw descriptor, ignoring errors (used for received descriptors).</summary>
    public static void Close(int fd) => Interop.Libc.close(fd);
}
