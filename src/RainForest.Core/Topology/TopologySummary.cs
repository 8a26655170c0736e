using System.Globalization;
using System.Text;

namespace RainForest.Core.Topology;

/// <summary>Describes a <see cref="MachineTopology"/> in a few words for people.</summary>
public static class TopologySummary
{
    /// <summary>
    /// One paragraph such as <c>2 packages x 6 cores x 2 threads, 24 CPUs, 2 NUMA nodes, 32G.</c>
    /// followed by the CPU model, kernel, physical NICs and disks.
    /// </summary>
    public static string Describe(MachineTopology t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var sb = new StringBuilder();
        var packages = t.Packages;
        var cores = t.Cores;
        if (packages > 0 && cores % packages == 0)
        {
            sb.Append(Count(packages, "package")).Append(" x ").Append(Count(cores / packages, "core"));
        }
        else
        {
            // Cores spread unevenly (some offline): say the totals rather than a wrong product.
            sb.Append(Count(packages, "package")).Append(", ").Append(Count(cores, "core"));
        }

        sb.Append(" x ").Append(Count(t.ThreadsPerCore, "thread"));
        sb.Append(", ").Append(Count(t.Cpus.Count, "CPU"));
        var online = t.OnlineCpus.Count;
        if (online != t.Cpus.Count)
        {
            sb.Append(" (").Append(online.ToString(CultureInfo.InvariantCulture)).Append(" online)");
        }

        sb.Append(", ").Append(Count(t.NumaNodes.Count, "NUMA node"));
        sb.Append(", ").Append(Approximate(t.MemTotalBytes)).Append('.');

        if (t.CpuModel is not null)
        {
            // Intel pads model names with runs of spaces ("CPU           E5645  @ 2.40GHz").
            sb.Append(" CPU: ").Append(string.Join(' ', t.CpuModel.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('.');
        }

        if (t.KernelRelease is not null)
        {
            sb.Append(" Kernel ").Append(t.KernelRelease).Append('.');
        }

        var nics = t.NetworkInterfaces.Where(n => n.IsPhysical).ToList();
        sb.Append(' ').Append(Count(nics.Count, "physical NIC"));
        var drivers = nics.Where(n => n.Driver is not null)
            .GroupBy(n => n.Driver!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} x{g.Count().ToString(CultureInfo.InvariantCulture)}")
            .ToList();
        if (drivers.Count > 0)
        {
            sb.Append(" (").Append(string.Join(", ", drivers)).Append(')');
        }

        var disks = t.BlockDevices.Where(b => !b.IsVirtual).ToList();
        sb.Append(", ").Append(Count(disks.Count, "disk"));
        if (disks.Count > 0)
        {
            sb.Append(" (").Append(Approximate(disks.Sum(d => d.SizeBytes))).Append(')');
        }

        sb.Append('.');
        return sb.ToString();
    }

    /// <summary>
    /// A size in the largest binary unit, with one decimal unless whole (<c>32G</c>, <c>23.5G</c>, <c>7.3T</c>):
    /// kernel sizes come in kB, which <see cref="ByteSize"/> would print exactly as <c>24683620K</c>.
    /// </summary>
    private static string Approximate(long bytes)
    {
        ReadOnlySpan<(long Unit, string Suffix)> units = [(1L << 40, "T"), (1L << 30, "G"), (1L << 20, "M"), (1L << 10, "K")];
        foreach (var (unit, suffix) in units)
        {
            // 1023.97G would round to "1024.0G"; it is said as 1T.
            if (bytes >= unit || Math.Round((double)bytes / (unit >> 10), 1) >= 1024)
            {
                var value = Math.Round((double)bytes / unit, 1);
                return value.ToString(value == Math.Floor(value) ? "0" : "0.0", CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static string Count(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? string.Empty : "s");
}
