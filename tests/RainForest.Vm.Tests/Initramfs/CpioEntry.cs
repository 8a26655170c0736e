using System.Text;

namespace RainForest.Vm.Tests.Initramfs;

/// <summary>One entry of a newc archive as <see cref="CpioArchive"/> read it.</summary>
internal sealed record CpioEntry(uint Inode, uint Mode, uint Uid, uint Gid, uint Links, uint MTime, uint RdevMajor, uint RdevMinor, string Name, byte[] Data)
{
    public uint Type => Mode & 0xF000;

    public uint Permissions => Mode & 0xFFF;

    public string Text => Encoding.UTF8.GetString(Data);
}
