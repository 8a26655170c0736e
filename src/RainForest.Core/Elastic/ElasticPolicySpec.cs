namespace RainForest.Core.Elastic;

/// <summary>
/// An elastic policy: keep <see cref="Taker"/>'s latency within <see cref="Slo"/> by moving CPUs (and, for
/// <see cref="PolicyKind.Slack"/>, CPU bandwidth and memory) between it and <see cref="Donor"/>.
/// </summary>
/// <remarks>
/// Built by <see cref="Create"/>, which fills each kind's defaults and refuses what cannot work, so a
/// stored policy is always a runnable one. The ledger keeps one policy per taker.
/// </remarks>
public sealed record ElasticPolicySpec
{
    /// <summary>The paper's window: the tail of the last 10 seconds.</summary>
    public static readonly TimeSpan ThresholdDefaultWindow = TimeSpan.FromSeconds(10);

    /// <summary>The slack policy's default window.</summary>
    public static readonly TimeSpan SlackDefaultWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>The slack policy's longest window: it must see a burst within a second.</summary>
    public static readonly TimeSpan SlackMaxWindow = TimeSpan.FromSeconds(1);

    /// <summary>The shortest window of any policy (a prober at a few hundred requests a second needs this long for a p99).</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest window of any policy.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(10);

    /// <summary>The thresholds' resolution: the ledger keeps them in whole microseconds.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromMicroseconds(1);

    /// <summary>The default probe rate, requests per second.</summary>
    public const int DefaultProbeRate = 200;

    /// <summary>The highest probe rate accepted.</summary>
    public const int MaxProbeRate = 100_000;

    /// <summary>The default memory step of the slack policy.</summary>
    public static readonly ByteSize DefaultMemoryStep = ByteSize.FromMiB(64);

    /// <summary>The default memory the donor keeps whatever the taker's pressure.</summary>
    public static readonly ByteSize DefaultDonorMemoryFloor = ByteSize.FromMiB(256);

    /// <summary>The latency-critical subOS the policy protects (it borrows).</summary>
    public required string Taker { get; init; }

    /// <summary>The subOS that lends its CPUs (the batch side).</summary>
    public required string Donor { get; init; }

    /// <summary>The objective.</summary>
    public required LatencySlo Slo { get; init; }

    /// <summary>Where the latency is measured.</summary>
    public required ProbeSpec Probe { get; init; }

    /// <summary>The algorithm.</summary>
    public required PolicyKind Kind { get; init; }

    /// <summary>How long each observation window lasts.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Threshold policy: below this window tail one CPU goes back to the donor (lt). Zero for slack.</summary>
    public TimeSpan Lower { get; init; }

    /// <summary>Threshold policy: above this window tail one CPU moves to the taker (ut). Zero for slack.</summary>
    public TimeSpan Upper { get; init; }

    /// <summary>The fewest CPUs the taker keeps (at least 1).</summary>
    public int MinCpus { get; init; } = 1;

    /// <summary>The most CPUs the taker may hold; null for no limit but the donor's floor.</summary>
    public int? MaxCpus { get; init; }

    /// <summary>The fewest CPUs the donor keeps; at 0 a donor may be lent down to nothing and is then parked (frozen).</summary>
    public int DonorFloor { get; init; }

    /// <summary>Probe requests per second (open loop).</summary>
    public int ProbeRate { get; init; } = DefaultProbeRate;

    /// <summary>Slack policy: memory moved per step when the taker is under memory pressure; zero never moves memory.</summary>
    public ByteSize MemoryStep { get; init; } = DefaultMemoryStep;

    /// <summary>Slack policy: memory the donor always keeps.</summary>
    public ByteSize DonorMemoryFloor { get; init; } = DefaultDonorMemoryFloor;

    /// <summary>
    /// Whether the donor also runs in the taker's idle time while the policy exists (<c>--idle-share</c>): the taker's
    /// CPUs join the donor's cpuset at idle priority, so the donor uses what the taker leaves and is never parked.
    /// </summary>
    public bool IdleShare { get; init; }

    /// <summary>
    /// Builds and checks a policy. Unset options take the kind's defaults: a 10 s window and (lt, ut) =
    /// (0.8 × bound, bound) for threshold, as the paper's (160, 200); a 500 ms window for slack.
    /// </summary>
    /// <exception cref="RfException">Invalid input (exit 2), with one line saying which option and why.</exception>
    public static ElasticPolicySpec Create(
        string taker,
        string donor,
        LatencySlo slo,
        ProbeSpec probe,
        PolicyKind kind,
        TimeSpan? window = null,
        TimeSpan? lower = null,
        TimeSpan? upper = null,
        int? minCpus = null,
        int? maxCpus = null,
        int? donorFloor = null,
        int? probeRate = null,
        ByteSize? memoryStep = null,
        ByteSize? donorMemoryFloor = null)
    {
        Require(SubOsName.Validate(taker));
        Require(SubOsName.Validate(donor));
        if (taker == donor)
        {
            throw RfException.Invalid($"--donor {donor}: a subOS cannot lend to itself");
        }

        var w = window ?? (kind == PolicyKind.Threshold ? ThresholdDefaultWindow : SlackDefaultWindow);
        if (w < MinWindow || w > MaxWindow)
        {
            throw RfException.Invalid($"--window {DurationText.Format(w)}: expected {DurationText.Format(MinWindow)} to {DurationText.Format(MaxWindow)}");
        }

        if (kind == PolicyKind.Slack && w > SlackMaxWindow)
        {
            throw RfException.Invalid($"--window {DurationText.Format(w)}: the slack policy's window is at most {DurationText.Format(SlackMaxWindow)}");
        }

        TimeSpan lt = TimeSpan.Zero, ut = TimeSpan.Zero;
        if (kind == PolicyKind.Threshold)
        {
            ut = upper ?? slo.Bound;
            lt = lower ?? (upper is null ? slo.Bound * 0.8 : ut * 0.8);
            if (lt > TimeSpan.Zero && lt < Resolution)
            {
                // The ledger keeps thresholds in whole microseconds: a smaller lt would be stored as 0, and no read of it would work.
                throw RfException.Invalid($"--lt {DurationText.Format(lt)}: expected at least 1us (thresholds are kept to the microsecond)");
            }

            lt = TimeSpan.FromMicroseconds(Math.Floor(lt.TotalMicroseconds));
            ut = TimeSpan.FromMicroseconds(Math.Floor(ut.TotalMicroseconds));
            if (lt <= TimeSpan.Zero || lt >= ut)
            {
                throw RfException.Invalid($"--lt {DurationText.Format(lt)} --ut {DurationText.Format(ut)}: expected 0 < lt < ut");
            }
        }
        else if (lower is not null || upper is not null)
        {
            throw RfException.Invalid("--lt/--ut: only the threshold policy takes thresholds (slack aims below its SLO by itself)");
        }

        var min = minCpus ?? 1;
        if (min < 1)
        {
            throw RfException.Invalid($"--min-cpus {min}: the taker keeps at least 1 CPU");
        }

        if (maxCpus is { } max && max < min)
        {
            throw RfException.Invalid($"--max-cpus {max}: below --min-cpus {min}");
        }

        var floor = donorFloor ?? 0;
        if (floor < 0)
        {
            throw RfException.Invalid($"--donor-floor {floor}: expected 0 or more");
        }

        var rate = probeRate ?? DefaultProbeRate;
        if (rate < 1 || rate > MaxProbeRate)
        {
            throw RfException.Invalid($"--rate {rate}: expected 1 to {MaxProbeRate} requests per second");
        }

        var step = memoryStep ?? DefaultMemoryStep;
        var memFloor = donorMemoryFloor ?? DefaultDonorMemoryFloor;
        if (step.Bytes < 0 || memFloor.Bytes < 0)
        {
            throw RfException.Invalid("--memory-step/--donor-memory-floor: expected a size of 0 or more");
        }

        return new ElasticPolicySpec
        {
            Taker = taker,
            Donor = donor,
            Slo = slo,
            Probe = probe,
            Kind = kind,
            Window = w,
            Lower = lt,
            Upper = ut,
            MinCpus = min,
            MaxCpus = maxCpus,
            DonorFloor = floor,
            ProbeRate = rate,
            MemoryStep = step,
            DonorMemoryFloor = memFloor,
        };
    }

    private static void Require(string? problem)
    {
        if (problem is not null)
        {
            throw RfException.Invalid(problem);
        }
    }
}
