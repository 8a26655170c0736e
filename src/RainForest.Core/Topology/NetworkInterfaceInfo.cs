namespace RainForest.Core.Topology;

/// <summary>One network interface from <c>/sys/class/net/NAME</c>.</summary>
/// <param name="Name">The interface name (<c>eth0</c>).</param>
/// <param name="IsPhysical">True when the interface has a <c>device</c> link, that is a device the
/// kernel found on a bus; false for loopback, bridges, veths and other software interfaces.</param>
/// <param name="Driver">The driver bound to the device (<c>igb</c>, <c>virtio_net</c>), or null.</param>
/// <param name="Mac">The hardware address as the kernel prints it, or null.</param>
/// <param name="Mtu">The MTU; -1 when unknown.</param>
/// <param name="OperState">The RFC 2863 operational state (<c>up</c>, <c>down</c>, <c>unknown</c>), or null.</param>
/// <param name="Irqs">The interrupt lines of the device, ascending; empty when none were found.</param>
/// <param name="PciAddress">The PCI function the interface sits on (<c>0000:01:00.0</c>), or null.</param>
/// <param name="NumaNode">The NUMA node of the device; -1 when unknown or not NUMA-local.</param>
public sealed record NetworkInterfaceInfo(
    string Name,
    bool IsPhysical,
    string? Driver,
    string? Mac,
    int Mtu,
    string? OperState,
    IReadOnlyList<int> Irqs,
    string? PciAddress,
    int NumaNode);
