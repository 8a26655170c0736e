using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

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

    /// <summary>Sends <paramref name="data"/> (at least one byte) with <paramref name="fds"/> attached; the handles stay this process's.</summary>
    /// <exception cref="LinuxException">sendmsg failed (EPIPE: the peer is gone).</exception>
    public static unsafe void Send(Socket socket, ReadOnlySpan<byte> data, ReadOnlySpan<SafeHandle> fds)
    {
        if (data.IsEmpty || fds.Length > MaxFds)
        {
            throw new ArgumentException("FD passing needs at least one data byte and at most 8 descriptors.");
        }

        var held = 0;
        try
        {
            var controlSize = CmsgSpace(fds.Length);
            var control = stackalloc byte[CmsgSpace(MaxFds)];
            new Span<byte>(control, controlSize).Clear();
            var header = (Interop.Libc.CmsgHdr*)control;
            header->Length = (nuint)(sizeof(Interop.Libc.CmsgHdr) + (sizeof(int) * fds.Length));
            header->Level = Interop.Libc.SOL_SOCKET;
            header->Type = Interop.Libc.SCM_RIGHTS;
            var numbers = (int*)(control + sizeof(Interop.Libc.CmsgHdr));
            for (; held < fds.Length; held++)
            {
                // Each handle stays open until the kernel has taken its reference in sendmsg.
                var added = false;
                fds[held].DangerousAddRef(ref added);
                numbers[held] = (int)fds[held].DangerousGetHandle();
            }

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
                    var n = Interop.Eintr.Retry(() => Interop.Libc.sendmsg(socket.SafeHandle, msgPtr, Interop.Libc.MSG_NOSIGNAL));
                    if (n < 0)
                    {
                        throw Interop.Errors.Last("sendmsg");
                    }

                    sent += (int)n;
                }
            }
        }
        finally
        {
            for (var i = 0; i < held; i++)
            {
                fds[i].DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives up to <paramref name="buffer"/>.Length bytes and any descriptors sent with them.
    /// Returns the byte count (0 at end of stream); received descriptors are close-on-exec and the caller's to dispose.
    /// </summary>
    /// <exception cref="LinuxException">recvmsg failed.</exception>
    public static unsafe int Receive(Socket socket, Span<byte> buffer, List<SafeFileHandle> fds)
    {
        var control = stackalloc byte[CmsgSpace(MaxFds)];
        nint n;
        Interop.Libc.MsgHdr msg;
        fixed (byte* p = buffer)
        {
            var iov = new Interop.Libc.IoVec { Base = p, Length = (nuint)buffer.Length };
            msg = new Interop.Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)CmsgSpace(MaxFds) };
            var msgPtr = &msg;
            n = Interop.Eintr.Retry(() => Interop.Libc.recvmsg(socket.SafeHandle, msgPtr, Interop.Libc.MSG_CMSG_CLOEXEC));
        }

        if (n < 0)
        {
            throw Interop.Errors.Last("recvmsg");
        }

        if (msg.ControlLength >= (nuint)sizeof(Interop.Libc.CmsgHdr))
        {
            var header = (Interop.Libc.CmsgHdr*)control;
            if (header->Level == Interop.Libc.SOL_SOCKET && header->Type == Interop.Libc.SCM_RIGHTS)
            {
                // The kernel installed these descriptors in this process: own each at once, so none can leak.
                var count = ((int)header->Length - sizeof(Interop.Libc.CmsgHdr)) / sizeof(int);
                var data = (int*)(control + sizeof(Interop.Libc.CmsgHdr));
                for (var i = 0; i < count; i++)
                {
                    fds.Add(new SafeFileHandle(data[i], ownsHandle: true));
                }
            }
        }

        return (int)n;
    }

    private static int CmsgSpace(int fdCount) => 16 + (((fdCount * sizeof(int)) + 7) & ~7);
}
