using System.Globalization;
using RainForest.Core.Elastic;

namespace RainForest.Controller;

/// <summary>One step a policy takes, with the observation that caused it (the journal's "why").</summary>
/// <param name="At">When, on the controller's clock (time since it started).</param>
/// <param name="Cpus">CPUs to move: positive from the donor to the taker (lend), negative back (reclaim).</param>
/// <param name="Quota">The donor's new bandwidth limit; null leaves it as it is.</param>
/// <param name="MemoryBytes">Memory to move: positive from the donor to the taker.</param>
/// <param name="Trigger">The latency that triggered the step (the window's tail, or the smoothed estimate).</param>
/// <param name="Reason">One line for people: what was seen against what bound.</param>
public sealed record ElasticDecision(TimeSpan At, int Cpus, QuotaChange? Quota, long MemoryBytes, TimeSpan Trigger, string Reason)
{
    /// <summary>Whether the step moves CPUs to the taker or tightens the donor (as opposed to giving back).</summary>
    public bool Grows => Cpus > 0 || MemoryBytes > 0 || (Cpus == 0 && Quota is { Cpus: not null });

    /// <summary>A short description of the step: <c>+2 cpu</c>, <c>-1 cpu</c>, <c>donor quota 0.75</c>, <c>+64M memory</c>.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (Cpus != 0)
        {
            parts.Add(Cpus.ToString("+0;-0", CultureInfo.InvariantCulture) + " cpu");
        }

        if (Quota is not null)
        {
            parts.Add(Quota.Cpus is { } q ? "donor quota " + q.ToString("0.##", CultureInfo.InvariantCulture) + " cpu" : "donor quota lifted");
        }

        if (MemoryBytes != 0)
        {
            parts.Add((MemoryBytes > 0 ? "+" : "-") + new Core.ByteSize(Math.Abs(MemoryBytes)) + " memory");
        }

        return string.Join(", ", parts);
    }

    internal static string Format(TimeSpan latency) => DurationText.Format(latency);
}
