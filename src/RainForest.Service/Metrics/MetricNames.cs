namespace RainForest.Service.Metrics;

/// <summary>Every metric the service exports, by name: the README's table and the naming test read this list.</summary>
public static class MetricNames
{
    /// <summary>CPUs a subOS owns.</summary>
    public const string SubOsCpus = "rainforest_subos_cpus";

    /// <summary>1 while a subOS's agent runs, else 0.</summary>
    public const string SubOsUp = "rainforest_subos_up";

    /// <summary>CPU time a subOS used, in seconds.</summary>
    public const string SubOsCpuUsage = "rainforest_subos_cpu_usage_seconds_total";

    /// <summary>Time a subOS's tasks were held back by a CPU bandwidth limit.</summary>
    public const string SubOsCpuThrottled = "rainforest_subos_cpu_throttled_seconds_total";

    /// <summary>A subOS's memory limit.</summary>
    public const string SubOsMemoryLimit = "rainforest_subos_memory_limit_bytes";

    /// <summary>Memory charged to a subOS.</summary>
    public const string SubOsMemoryUsage = "rainforest_subos_memory_usage_bytes";

    /// <summary>Times a subOS's memory usage hit its limit.</summary>
    public const string SubOsMemoryFailures = "rainforest_subos_memory_failures_total";

    /// <summary>Processes the OOM killer killed in a subOS.</summary>
    public const string SubOsOomKills = "rainforest_subos_oom_kills_total";

    /// <summary>Tasks in a subOS.</summary>
    public const string SubOsPids = "rainforest_subos_pids";

    /// <summary>A subOS's pids limit.</summary>
    public const string SubOsPidsLimit = "rainforest_subos_pids_limit";

    /// <summary>Bytes a subOS received on its RFloop port.</summary>
    public const string SubOsLoopReceive = "rainforest_subos_loop_receive_bytes_total";

    /// <summary>Bytes a subOS sent on its RFloop port.</summary>
    public const string SubOsLoopTransmit = "rainforest_subos_loop_transmit_bytes_total";

    /// <summary>Slots written into a subOS's ring of a channel.</summary>
    public const string ChannelWritten = "rainforest_subos_channel_written_slots_total";

    /// <summary>Slots read from a subOS's ring of a channel.</summary>
    public const string ChannelRead = "rainforest_subos_channel_read_slots_total";

    /// <summary>Slots written and not yet read in a subOS's ring.</summary>
    public const string ChannelPending = "rainforest_subos_channel_pending_slots";

    /// <summary>Slots in a subOS's ring.</summary>
    public const string ChannelCapacity = "rainforest_subos_channel_capacity_slots";

    /// <summary>Pending slots over capacity, 0 to 1.</summary>
    public const string ChannelFullness = "rainforest_subos_channel_fullness_ratio";

    /// <summary>Scrapes whose sample failed (the supervisor was not initialised, the ledger could not be read).</summary>
    public const string SampleFailures = "rainforest_service_sample_failures_total";

    /// <summary>A policy's observed latency at a quantile (set by the controller).</summary>
    public const string PolicyLatency = "rainforest_policy_latency_seconds";

    /// <summary>A policy's SLO: the latency its quantile must stay under.</summary>
    public const string PolicySlo = "rainforest_policy_slo_seconds";

    /// <summary>Steps a policy applied (CPUs, the donor's quota, memory), by direction.</summary>
    public const string PolicyMoves = "rainforest_policy_moves_total";

    /// <summary>All of them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SubOsCpus, SubOsUp, SubOsCpuUsage, SubOsCpuThrottled, SubOsMemoryLimit, SubOsMemoryUsage, SubOsMemoryFailures, SubOsOomKills,
        SubOsPids, SubOsPidsLimit, SubOsLoopReceive, SubOsLoopTransmit, ChannelWritten, ChannelRead, ChannelPending, ChannelCapacity,
        ChannelFullness, SampleFailures, PolicyLatency, PolicySlo, PolicyMoves,
    ];
}
