using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Brings an interface up inside the caller's network namespace.</summary>
public static class Loopback
{
    /// <summary>Sets IFF_UP on <paramref name="name"/> (by default lo), as <c>ip link set lo up</c> does.</summary>
    /// <exception cref="LinuxException">No such interface, or the caller may not change it.</exception>
    public static unsafe void Up(string name = "lo")
    {
        using var socket = Interop.Descriptors.Own(
            new SafeFileHandle(),
            Interop.Libc.socket(Interop.Libc.AF_INET, Interop.Libc.SOCK_DGRAM | Interop.Libc.SOCK_CLOEXEC, 0),
            "socket");
        var req = default(Interop.Libc.IfReq);
        var bytes = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length && i < Interop.Libc.IFNAMSIZ - 1; i++)
        {
            req.Name[i] = bytes[i];
        }

        if (Interop.Libc.ioctl(socket, Interop.Libc.SIOCGIFFLAGS, (nint)(&req)) < 0)
        {
            throw Interop.Errors.Last("SIOCGIFFLAGS", name);
        }

        req.Flags |= Interop.Libc.IFF_UP;
        if (Interop.Libc.ioctl(socket, Interop.Libc.SIOCSIFFLAGS, (nint)(&req)) < 0)
        {
            throw Interop.Errors.Last("SIOCSIFFLAGS", name);
        }
    }
}
