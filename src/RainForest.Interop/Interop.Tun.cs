namespace RainForest.Interop;

/// <summary>The TUN/TAP driver (linux/if_tun.h): attaching a descriptor of /dev/net/tun to a tap device.</summary>
internal static partial class Libc
{
    /// <summary>_IOW('T', 202, int): attach the descriptor to the interface named in the struct ifreq (creating it when missing).</summary>
    internal const nuint TUNSETIFF = 0x400454ca;

    /// <summary>An Ethernet device (frames, not IP packets).</summary>
    internal const short IFF_TAP = 0x0002;

    /// <summary>No 4-byte packet-information header before each frame: QEMU's tap backend expects none.</summary>
    internal const short IFF_NO_PI = 0x1000;
}
