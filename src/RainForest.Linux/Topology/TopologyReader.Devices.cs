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
        foreach (var name in tree.EntryNames(classDir))
        {
            var dir = tree.Resolve($"{classDir}/{name}");
            if (dir is null || !tree.DirectoryExists(dir))
            {
                continue;
            }

            var device = tree.Resolve(dir + "/device");
            var isPhysical = device is not null && tree.DirectoryExists(device);
            var pci = isPhysical ? NearestPciFunction(tree, device!) : null;
            IReadOnlyList<int> irqs = isPhysical ? DeviceIrqs(tree, device!, pci) : [];
            if (irqs.Count == 0)
            {
                // Drivers that name their vectors after the interface, and devices without sysfs IRQ files.
                irqs = interrupts.Mentioning(name);
            }

            result.Add(new NetworkInterfaceInfo(
                name,
                isPhysical,
                isPhysical ? tree.LinkName(device + "/driver") : null,
                tree.ReadText(dir + "/address"),
                tree.ReadInt(dir + "/mtu") ?? -1,
                tree.ReadText(dir + "/operstate"),
                irqs,
                pci is null ? null : Path.GetFileName(pci),
                isPhysical ? NumaNodeOf(tree, device!, pci) : -1));
        }

        return result;
    }

    private static List<BlockDeviceInfo> ReadBlockDevices(SysfsTree tree)
    {
        var result = new List<BlockDeviceInfo>();
        var blockDir = tree.PathOf("sys/block");
        foreach (var name in tree.EntryNames(blockDir))
        {
            var dir = tree.Resolve($"{blockDir}/{name}");
            if (dir is null || !tree.DirectoryExists(dir))
            {
                continue;
            }

            var device = tree.Resolve(dir + "/device");
            var isVirtual = device is null || !tree.DirectoryExists(device) || tree.IsUnder(dir, "sys/devices/virtual");
            result.Add(new BlockDeviceInfo(
                name,
                (tree.ReadLong(dir + "/size") ?? 0) * SectorBytes,
                tree.ReadInt(dir + "/queue/rotational") == 1,
                tree.ReadInt(dir + "/removable") == 1,
                isVirtual));
        }

        return result;
    }

    private static List<PciDeviceInfo> ReadPciDevices(SysfsTree tree)
    {
        var result = new List<PciDeviceInfo>();
        var busDir = tree.PathOf("sys/bus/pci/devices");
        foreach (var address in tree.EntryNames(busDir))
        {
            var dir = tree.Resolve($"{busDir}/{address}");
            if (dir is null || !tree.DirectoryExists(dir))
            {
                continue;
            }

            result.Add(new PciDeviceInfo(
                address,
                tree.ReadText(dir + "/vendor"),
                tree.ReadText(dir + "/device"),
                tree.ReadText(dir + "/class"),
                tree.LinkName(dir + "/driver"),
                tree.ReadInt(dir + "/numa_node") ?? -1,
                DeviceIrqs(tree, dir, null)));
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
    private static IReadOnlyList<int> DeviceIrqs(SysfsTree tree, string device, string? pci)
    {
        string[] dirs = pci is null || pci == device ? [device] : [device, pci];
        foreach (var dir in dirs)
        {
            var vectors = tree.EntryNames(dir + "/msi_irqs")
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
            if (tree.ReadInt(dir + "/irq") is > 0 and var irq)
            {
                return [irq];
            }
        }

        return [];
    }

    private static int NumaNodeOf(SysfsTree tree, string device, string? pci) =>
        tree.ReadInt(device + "/numa_node") ?? (pci is null ? null : tree.ReadInt(pci + "/numa_node")) ?? -1;
}
