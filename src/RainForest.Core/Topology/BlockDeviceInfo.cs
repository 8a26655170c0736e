namespace RainForest.Core.Topology;

/// <summary>One block device from <c>/sys/block/NAME</c>.</summary>
/// <param name="Name">The kernel name (<c>sda</c>, <c>nvme0n1</c>, <c>loop0</c>).</param>
/// <param name="SizeBytes">The capacity: the <c>size</c> file counts 512-byte sectors whatever the device's block size.</param>
/// <param name="Rotational">True for a spinning disk (<c>queue/rotational</c> is 1).</param>
/// <param name="Removable">True for removable media.</param>
/// <param name="IsVirtual">True for a software device (loop, zram, device-mapper): no <c>device</c> link, or
/// it lives under <c>/sys/devices/virtual</c>.</param>
public sealed record BlockDeviceInfo(string Name, long SizeBytes, bool Rotational, bool Removable, bool IsVirtual);
