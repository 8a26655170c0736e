using System.Globalization;
using System.Text;
using RainForest.Bench.Load;

namespace RainForest.Bench.Loadgen;

/// <summary>The tables people read; programs read the JSON of the same results.</summary>
internal static class Report
{
    public static string Format(LoadResult r)
    {
        var text = new StringBuilder();
        Append(text, $"server       {r.Options.Host}:{r.Options.Port}, {r.Options.Connections} connections, {r.Options.Arrival} arrivals");
        Append(text, $"offered      {r.OfferedRate:F0} req/s for {r.Duration.TotalSeconds:F1} s (+{r.Options.Warmup.TotalSeconds:F1} s warm-up)");
        Append(text, $"throughput   {r.Throughput:F0} req/s   goodput {r.Goodput:F0} req/s (<= {r.Options.GoodputLatencyLimit.TotalMilliseconds:F0} ms)");
        Append(text, $"requests     {r.Scheduled} scheduled, {r.Completed} completed ({r.Hits} hits, {r.Misses} misses, {r.Stores} sets), {r.Errors} errors, {r.Timeouts} timeouts ({r.Unsent} unsent)");
        Append(text, $"latency us   mean {r.MeanUs:F1}  p50 {r.P50Us:F1}  p90 {r.P90Us:F1}  p99 {r.P99Us:F1}  p99.9 {r.P999Us:F1}  max {r.MaxUs:F1}");
        Append(text, $"send lag us  p99 {r.SendLagP99Us:F1}  max {r.SendLagMaxUs:F1}");
        Append(text, $"generator    {r.GeneratorCpuSeconds:F2} CPU-s, {r.GeneratorCpus:F2} CPUs on average");
        if (r.PreloadedKeys > 0)
        {
            Append(text, $"preloaded    {r.PreloadedKeys} keys");
        }

        return text.ToString();
    }

    public static string Format(SweepResult sweep)
    {
        var text = new StringBuilder();
        Append(text, $"{"offered",10} {"achieved",10} {"p50 us",10} {"p99 us",10} {"p99.9 us",10} {"errors",8} {"timeouts",8}  meets");
        foreach (SweepPoint point in sweep.Points)
        {
            LoadResult r = point.Result;
            Append(text, $"{r.OfferedRate,10:F0} {r.Throughput,10:F0} {r.P50Us,10:F1} {r.P99Us,10:F1} {r.P999Us,10:F1} {r.Errors,8} {r.Timeouts,8}  {(point.MeetsServiceLevel ? "yes" : "no")}");
        }

        string knee = sweep.KneeRate is double rate
            ? $"{rate:F0} req/s{(sweep.KneeAboveRange ? " (every rate met it; the knee is higher)" : "")}"
            : "below the lowest rate";
        Append(text, $"knee (p99 < {sweep.Options.P99LimitUs:F0} us): {knee}");
        return text.ToString();
    }

    private static void Append(StringBuilder text, FormattableString line) =>
        text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
