using System.Globalization;

namespace RainForest.Bench.Harness.Systems;

/// <summary>Machine-wide CPU time from <c>/proc/stat</c>, to tell how busy the whole machine was during a measurement.</summary>
internal readonly record struct CpuUsage(long Busy, long Total)
{
    /// <summary>Reads the aggregate "cpu" line now.</summary>
    public static CpuUsage Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            return Parse(line);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Parses "cpu user nice system idle iowait irq softirq steal ..."; idle and iowait count as not busy.</summary>
    internal static CpuUsage Parse(string line)
    {
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Sum();
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        return new CpuUsage(total - idle, total);
    }

    /// <summary>The busy fraction of all CPUs between <paramref name="before"/> and this reading, or null.</summary>
    public double? BusySince(CpuUsage before) =>
        Total > before.Total ? (double)(Busy - before.Busy) / (Total - before.Total) : null;
}
