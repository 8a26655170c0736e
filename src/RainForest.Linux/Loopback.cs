using System.Runtime.InteropServices;

namespace RainForest.Linux;

/// <summary>Brings an interface up inside the caller's network namespace.</summary>
public static class Loopback
{
    private const int AfInet = 2;
    private const int SockDgram = 2;
    private const short IffUp = 0x1;

    // struct ifreq: 16 bytes of name, then a 24-byte union whose first member is the flags.
    [StructLayout(LayoutKind.Sequential, Size = 40)]
    private unsafe struct IfReq
    {
        public fixed byte Name[16];
        public short Flags;
    }

    /// <summary>Sets IFF_UP on <paramref name="name"/> (by default lo), as <c>ip link set lo up</c> does.</summary>
    public static unsafe void Up(string name = "lo")
    {
        var fd = Interop.Libc.socket(AfInet, SockDgram | Interop.Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Interop.LastError("socket");
        }

        try
        {
            var req = default(IfReq);
            var bytes = System.Text.Encoding.ASCII.GetBytes(name);
            for (var i = 0; i < bytes.Length && i < 15; i++)
            {
                req.Name[i] = bytes[i];
            }

            if (Interop.Libc.ioctl(fd, Interop.Libc.SIOCGIFFLAGS, (nint)(&req)) < 0)
            {
                throw Interop.LastError("SIOCGIFFLAGS", name);
            }

            req.Flags |= IffUp;
            if (Interop.Libc.ioctl(fd, Interop.Libc.SIOCSIFFLAGS, (nint)(&req)) < 0)
            {
                throw Interop.LastError("SIOCSIFFLAGS", name);
            }
        }
        finally
        {
            Interop.Libc.close(fd);
        }
    }
}
