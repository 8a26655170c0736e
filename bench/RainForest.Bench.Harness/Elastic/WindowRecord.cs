namespace RainForest.Bench.Harness.Elastic;

/// <summary>One window of one system's run: the LC service's latency and who owned how many CPUs when it ended.</summary>
/// <param name="EndSeconds">When the window ended, seconds into the trace.</param>
/// <param name="Offered">Requests the trace meant to send in it.</param>
/// <param name="Completed">Replies that arrived in it.</param>
/// <param name="P50Ms">Median latency of those replies, ms.</param>
/// <param name="P99Ms">99th percentile, ms.</param>
/// <param name="P999Ms">99.9th percentile, ms.</param>
/// <param name="LcCpus">CPUs the LC subOS owned at the window's end.</param>
/// <param name="BatchCpus">CPUs the batch subOS owned (0 while parked).</param>
/// <param name="BatchJobs">Batch jobs running at the window's end; null where none ran (the model).</param>
/// <param name="BatchQuota">The batch's CPU quota at the window's end, CPUs; null while it had none.</param>
internal sealed record WindowRecord(double EndSeconds, long Offered, long Completed, double P50Ms, double P99Ms, double P999Ms, double LcCpus, double BatchCpus, int? BatchJobs = null, double? BatchQuota = null)
{
    /// <summary>
    /// Whether the window met the service level: its p99 within <paramref name="sloMs"/>; a window that offered
    /// requests and got no reply at all missed it. Null for a window that offered and got nothing (it does not count).
    /// </summary>
    public bool? Meets(double sloMs) => Completed > 0 ? P99Ms <= sloMs : Offered > 0 ? false : null;
}
