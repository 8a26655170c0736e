using System.Text;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux.Namespaces;

/// <summary>Opens a descriptor on a tap device that lives in another network namespace, for a program (QEMU) that is handed it.</summary>
/// <remarks>
/// The tun driver binds a descriptor of <c>/dev/net/tun</c> to the network namespace of the thread that opened it, and
/// TUNSETIFF finds the device by name there. So a thread of its own joins the namespace (setns(CLONE_NEWNET) is allowed
/// in a multi-threaded process), opens and attaches, and ends: the rest of the process never leaves its namespace, and
/// the descriptor, once attached, works from anywhere. The program that receives it needs neither /dev/net/tun in its
/// device rules nor CAP_NET_ADMIN, nor a place in that namespace (libvirt hands QEMU its taps the same way).
/// </remarks>
public static class TapDevice
{
    /// <summary>Attaches a new descriptor to the existing tap <paramref name="name"/> in the namespace at <paramref name="namespacePath"/>.</summary>
    /// <exception cref="LinuxException">The namespace or /dev/net/tun could not be opened, or no tap of that name could be attached.</exception>
    public static SafeFileHandle Open(string namespacePath, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.ASCII.GetByteCount(name) >= Libc.IFNAMSIZ || name.Any(c => c > 127))
        {
            throw new ArgumentException($"'{name}' is not an interface name", nameof(name));
        }

        SafeFileHandle? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = OpenInNamespace(namespacePath, name);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        { IsBackground = true, Name = "netns-tap" };
        thread.Start();
        thread.Join();
        return result ?? throw (failure ?? new InvalidOperationException("the tap thread ended without a result"));
    }

    // Runs on a thread that ends right after: its network namespace is never restored, it dies with it.
    private static unsafe SafeFileHandle OpenInNamespace(string namespacePath, string name)
    {
        using (var ns = OpenFile(namespacePath, FileAccess.Read))
        {
            if (Libc.setns(ns, Libc.CLONE_NEWNET) < 0)
            {
                throw Errors.Last("setns net", namespacePath);
            }
        }

        var tun = OpenFile("/dev/net/tun", FileAccess.ReadWrite);
        var request = default(Libc.IfReq);
        var bytes = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i < bytes.Length; i++)
        {
            request.Name[i] = bytes[i];
        }

        request.Flags = Libc.IFF_TAP | Libc.IFF_NO_PI;
        if (Libc.ioctl(tun, Libc.TUNSETIFF, (nint)(&request)) < 0)
        {
            var error = Errors.Last("TUNSETIFF", name);
            tun.Dispose();
            throw error;
        }

        return tun;
    }

    private static SafeFileHandle OpenFile(string path, FileAccess access)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, access);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LinuxException($"open {path}: {e.Message}", 2, "open", path, e);
        }
    }
}
