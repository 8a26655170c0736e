using System.Runtime.InteropServices;

namespace RainForest.Channels.Native;

/// <summary><c>rf_channel_options</c> from include/rfcom.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ChannelOptionsNative
{
    public uint Mode;
    public uint Receivers;
    public uint SlotsPerRing;
    public uint MaxMessageSize;
    public uint FileMode;
    public uint Reserved;
}
