using System.Globalization;
using System.Text.RegularExpressions;
using RainForest.Core.Topology;

namespace RainForest.Linux.Topology;

public static partial class TopologyReader
{
    // The size file counts 512-byte sectors whatever the device's logical block size.
    private const long SectorBytes = 512;

    [GeneratedRegex("^[0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$", RegexOptions.CultureInvariant)]
    private static partial Regex PciAddressPattern();

    private static List<NetworkInterfaceInfo> ReadNetworkInterfaces(SysfsTree tree, ProcInterrupts interrupts)
    {
        var result = new List<NetworkInterfaceInfo>();
        var classDir = tree.PathOf("sys/class/net");
        foreach (var name in SysfsTree.EntryNames(classDir))
        {
            var dir = tree.Resolve($"{classDir}/{name}");
            if (dir is null || !Directory.Exists(dir))
            {
                continue;
            }

            var device = tree.Resolve(dir + "/device");
            var isPhysical = device is not null && Directory.Exists(device);
            var pci = isPhysical ? NearestPciFunction(tree, device!) : null;
            IReadOnlyList<int> irqs = isPhysical ? DeviceIrqs(device!, pci) : [];
            if (irqs.Count == 0)
            {
                // Drivers that name their vectors after the interface, and devices without sysfs IRQ files.
                irqs = interrupts.Mentioning(name);
            }

            result.Add(new NetworkInterfaceInfo(
                name,
                isPhysical,
                isPhysical ? SysfsTree.LinkName(device + "/driver") : null,
                SysfsTree.ReadText(dir + "/address"),
                SysfsTree.ReadInt(dir + "/mtu") ?? -1,
                SysfsTree.ReadText(dir + "/operstate"),
                irqs,
                pci is null ? null : Path.GetFileName(pci),
                isPhysical ? NumaNodeOf(device!, pci) : -1));
        }

        return result;
    }

    private static List<BlockDeviceInfo> ReadBlockDevices(SysfsTree tree)
    {
        var result = new List<BlockDeviceInfo>();
        var blockDir = tree.PathOf("sys/block");
        foreach (var name in SysfsTree.EntryNames(blockDir))
        {
            var dir = tree.Resolve($"{blockDir}/{name}");
            if (dir is null || !Directory.Exists(dir))
            {
                continue;
            }

            var device = tree.Resolve(dir + "/device");
            var isVirtual = device is null || !Directory.Exists(device) || tree.IsUnder(dir, "sys/devices/virtual");
            result.Add(new BlockDeviceInfo(
                name,
                (SysfsTree.ReadLong(dir + "/size") ?? 0) * SectorBytes,
                SysfsTree.ReadInt(dir + "/queue/rotational") == 1,
                SysfsTree.ReadInt(dir + "/removable") == 1,
                isVirtual));
        }

        return result;
    }

    private static List<PciDeviceInfo> ReadPciDevices(SysfsTree tree)
    {
        var result = new List<PciDeviceInfo>();
        var busDir = tree.PathOf("sys/bus/pci/devices");
        foreach (var address in SysfsTree.EntryNames(busDir))
        {
            var dir = tree.Resolve($"{busDir}/{address}");
            if (dir is null || !Directory.Exists(dir))
            {
                continue;
            }

            result.Add(new PciDeviceInfo(
                address,
                SysfsTree.ReadText(dir + "/vendor"),
                SysfsTree.ReadText(dir + "/device"),
                SysfsTree.ReadText(dir + "/class"),
                SysfsTree.LinkName(dir + "/driver"),
                SysfsTree.ReadInt(dir + "/numa_node") ?? -1,
                DeviceIrqs(dir, null)));
        }

        return result;
    }

    /// <summary>
    /// The device directory itself or its closest ancestor named like a PCI function: a virtio
    /// network device (<c>.../0000:00:03.0/virtio2</c>) has its vectors and NUMA node on the PCI function above it.
    /// </summary>
    private static string? NearestPciFunction(SysfsTree tree, string device)
    {
        for (var dir = device; tree.IsUnder(dir, "sys/devices"); dir = Path.GetDirectoryName(dir)!)
        {
            if (PciAddressPattern().IsMatch(Path.GetFileName(dir)))
            {
                return dir;
            }
        }

        return null;
    }

    /// <summary>MSI/MSI-X vectors (msi_irqs/N), else the legacy line (irq), of the device or else its PCI function.</summary>
    private static IReadOnlyList<int> DeviceIrqs(string device, string? pci)
    {
        string[] dirs = pci is null || pci == device ? [device] : [device, pci];
        foreach (var dir in dirs)
        {
            var vectors = SysfsTree.EntryNames(dir + "/msi_irqs")
                .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var irq) ? irq : -1)
                .Where(irq => irq >= 0)
                .Order()
                .ToList();
            if (vectors.Count > 0)
            {
                return vectors;
            }
        }

        foreach (var dir in dirs)
        {
            // irq reads 0 when the function uses MSI only or has no interrupt pin.
            if (SysfsTree.ReadInt(dir + "/irq") is > 0 and var irq)
            {
                return [irq];
            }
        }

        return [];
    }

    private static int NumaNodeOf(string device, string? pci) =>
        SysfsTree.ReadInt(device + "/numa_node") ?? (pci is null ? null : SysfsTree.ReadInt(pci + "/numa_node")) ?? -1;
}
