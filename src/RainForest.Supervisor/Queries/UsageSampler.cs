using System.Globalization;
using RainForest.Channels;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;

namespace RainForest.Supervisor.Queries;

/// <summary>
/// Reads what each subOS has used, for metrics: its cgroups' counters (v1 or v2, through the driver and so through
/// <see cref="Linux.Kernel.KernelFiles"/>), its RFloop port's byte counts, and its channel rings. Nothing here writes.
/// </summary>
/// <remarks>
/// The RFloop port's outer end lies in the supervisor's own network namespace, out of sight of the host's
/// <c>/sys/class/net</c>; its inner end is the subOS's <c>eth0</c>, whose counters <c>/proc/AGENT/net/dev</c> shows
/// (the same bytes, seen from the subOS: what it received, the bridge sent it). Read there, no process is started.
/// </remarks>
internal sealed class UsageSampler
{
    private readonly ResourceLedger _ledger;
    private readonly SubOsBackends _backends;
    private readonly CgroupDriver _cgroups;
    private readonly StateDirectory _state;

    public UsageSampler(ResourceLedger ledger, SubOsBackends backends, CgroupDriver cgroups, StateDirectory state)
    {
        _ledger = ledger;
        _backends = backends;
        _cgroups = cgroups;
        _state = state;
    }

    public UsageSample Sample()
    {
        var subOses = _ledger.List();
        var usage = subOses.Select(Sample).ToList();
        var rings = new List<ChannelRingUsage>();
        foreach (var channel in _ledger.Channels())
        {
            rings.AddRange(Rings(channel));
        }

        return new UsageSample(usage, rings);
    }

    /// <summary>What the subOS <paramref name="name"/> has used; null when there is none of that name.</summary>
    public SubOsUsage? Sample(string name) => _ledger.Find(name) is { } record ? Sample(record) : null;

    private SubOsUsage Sample(SubOsRecord record)
    {
        var alive = record.State == SubOsState.Running && _backends.For(record).IsAlive(record);
        var cgroup = _cgroups.Exists(record.Name) ? _cgroups.ReadUsage(record.Name) : null;
        var (rx, tx) = alive && record.Net == NetMode.Loop ? LoopBytes(record.AgentPid) : (null, null);
        return new SubOsUsage(record.Name, record.Created, record.Cpus.Count, alive, cgroup, rx, tx);
    }

    /// <summary>The received and sent bytes of <c>eth0</c> in the agent's network namespace (<c>/proc/PID/net/dev</c>).</summary>
    private (long? Received, long? Sent) LoopBytes(int agentPid)
    {
        var kernel = _cgroups.Kernel;
        string? text;
        try
        {
            text = kernel.ReadText(kernel.PathOf($"/proc/{agentPid.ToString(CultureInfo.InvariantCulture)}/net/dev"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }

        return ParseNetDev(text, "eth0");
    }

    /// <summary>An interface's received and sent bytes from the text of <c>/proc/net/dev</c>; nulls when it is not listed.</summary>
    internal static (long? Received, long? Sent) ParseNetDev(string? text, string device)
    {
        foreach (var line in (text ?? string.Empty).Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || line[..colon].Trim() != device)
            {
                continue;
            }

            // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes ...
            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 9
                && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var received)
                && long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
            {
                return (received, sent);
            }
        }

        return (null, null);
    }

    private IEnumerable<ChannelRingUsage> Rings(Channels.ChannelRecord channel)
    {
        var attached = channel.Members.Where(m => m.Attached).ToList();
        if (attached.Count == 0)
        {
            return [];
        }

        try
        {
            // Opening takes a participant slot for as long as the handle lives; it is given back at once.
            using var open = FicmChannel.Open(_state.ChannelObject(channel.Name));
            return [.. attached.Select(m =>
            {
                var status = open.GetReceiverStatus(m.Receiver);
                return new ChannelRingUsage(channel.Name, m.SubOs, m.Receiver, status.WrittenSlots, status.ReadSlots, status.PendingSlots, status.Capacity);
            })];
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Its memory is gone or damaged: reconcile reports that; a scrape just leaves the channel out.
            return [];
        }
    }
}
