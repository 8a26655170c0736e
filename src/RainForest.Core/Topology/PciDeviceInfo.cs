namespace RainForest.Core.Topology;

/// <summary>One PCI function from <c>/sys/bus/pci/devices/ADDRESS</c>.</summary>
/// <param name="Address">The domain:bus:device.function address (<c>0000:01:00.0</c>).</param>
/// <param name="Vendor">The vendor id as sysfs prints it (<c>0x8086</c>), or null.</param>
/// <param name="Device">The device id as sysfs prints it (<c>0x150e</c>), or null.</param>
/// <param name="Class">The class code as sysfs prints it (<c>0x020000</c>), or null.</param>
/// <param name="Driver">The bound driver, or null when none is bound.</param>
/// <param name="NumaNode">The NUMA node of the device; -1 when unknown.</param>
/// <param name="Irqs">The MSI/MSI-X vectors, else the legacy interrupt line; ascending, empty when none.</param>
public sealed record PciDeviceInfo(string Address, string? Vendor, string? Device, string? Class, string? Driver, int NumaNode, IReadOnlyList<int> Irqs);
