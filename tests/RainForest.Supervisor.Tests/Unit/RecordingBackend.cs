using RainForest.Core;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Security;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// A backend that only records what the rooms ask of it and keeps a pretend kernel: what a second backend would see.
/// Nothing here touches the machine.
/// </summary>
internal sealed class RecordingBackend : ISubOsBackend
{
    private int _nextPid = 4194500;

    /// <summary>Every call, in order: <c>Start web</c>, <c>ApplyCpus web 1 0</c>...</summary>
    public List<string> Calls { get; } = [];

    /// <summary>What the pretend kernel holds, by subOS.</summary>
    public Dictionary<string, SubOsObservation> Kernel { get; } = new(StringComparer.Ordinal);

    /// <summary>SubOSes whose agent has died.</summary>
    public HashSet<string> Dead { get; } = new(StringComparer.Ordinal);

    /// <summary>SubOSes in the pretend kernel that the ledger may not know.</summary>
    public List<string> Strays { get; } = [];

    /// <summary>Makes <see cref="Start"/> fail at run time, as a cell whose agent never reports ready.</summary>
    public bool FailStart { get; set; }

    /// <summary>Makes <see cref="Freeze"/> answer that there is no freezer, as a v1 host without the freezer hierarchy.</summary>
    public bool NoFreezer { get; set; }

    /// <summary>SubOSes the pretend kernel holds frozen.</summary>
    public HashSet<string> Frozen { get; } = new(StringComparer.Ordinal);

    public SubOsBackendKind Kind => SubOsBackendKind.Cell;

    /// <summary>Pretends to be a backend whose members map channels as devices (a kernel subOS).</summary>
    public bool MapsChannelsAsDevices { get; set; }

    /// <summary>Makes <see cref="AttachChannel"/> fail for this member.</summary>
    public string? FailAttachFor { get; set; }

    public void AttachChannel(string name, string channel, string file)
    {
        Calls.Add($"AttachChannel {name} {channel} {file}");
        if (name == FailAttachFor)
        {
            throw RfException.Failed("pretend device_add failure");
        }
    }

    public void DetachChannel(string name, string channel) => Calls.Add($"DetachChannel {name} {channel}");

    public bool Freeze(string name, bool frozen)
    {
        Calls.Add($"Freeze {name} {frozen}");
        if (NoFreezer)
        {
            return false;
        }

        if (frozen)
        {
            Frozen.Add(name);
        }
        else
        {
            Frozen.Remove(name);
        }

        return true;
    }

    public bool ApplyCpuQuota(string name, double? cpus)
    {
        Calls.Add($"ApplyCpuQuota {name} {cpus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "max"}");
        return true;
    }

    public AgentProcesses Start(SubOsRecord record, MachineRecord machine, CpuSet parentCpus)
    {
        Calls.Add($"Start {record.Name} {record.Cpus} in {parentCpus}");
        if (FailStart)
        {
            throw RfException.Failed("pretend start failure");
        }

        Dead.Remove(record.Name);
        Kernel[record.Name] = new SubOsObservation(record.Cpus, record.Memory, ByteSize.FromMiB(2), [_nextPid], record.PidsMax);
        _nextPid += 2;
        return new AgentProcesses(_nextPid - 2, 1000, _nextPid - 1);
    }

    public void Stop(string name, int monitorPid)
    {
        Calls.Add($"Stop {name}");
        Kernel.Remove(name);
        Strays.Remove(name);
    }

    public void ReleaseShared() => Calls.Add("ReleaseShared");

    public void ApplyCpus(string name, CpuSet cpus, NodeSet mems)
    {
        Calls.Add($"ApplyCpus {name} {cpus} {mems}");
        Kernel[name] = Kernel[name] with { Cpus = cpus };
    }

    public void ApplyMemory(string name, ByteSize memory)
    {
        Calls.Add($"ApplyMemory {name} {memory}");
        Kernel[name] = Kernel[name] with { MemoryLimit = memory };
    }

    public bool TryShrinkMemory(string name, ByteSize memory)
    {
        Calls.Add($"TryShrinkMemory {name} {memory}");
        if (Kernel[name].MemoryUsage > memory)
        {
            return false;
        }

        Kernel[name] = Kernel[name] with { MemoryLimit = memory };
        return true;
    }

    public void ForceMemory(SubOsRecord record, ByteSize memory)
    {
        Calls.Add($"ForceMemory {record.Name} {memory} sparing {record.AgentPid}");
        Kernel[record.Name] = Kernel[record.Name] with { MemoryLimit = memory, MemoryUsage = memory };
    }

    public void ApplyPids(string name, long max)
    {
        Calls.Add($"ApplyPids {name} {max}");
        Kernel[name] = Kernel[name] with { PidsLimit = max };
    }

    public void WriteDescription(SubOsRecord record, MachineRecord machine) => Calls.Add($"WriteDescription {record.Name} r{record.Revision}");

    public void WriteHosts(string name, string contents) => Calls.Add($"WriteHosts {name}");

    public bool IsAlive(SubOsRecord record) => Kernel.ContainsKey(record.Name) && !Dead.Contains(record.Name);

    public string ExecEndpoint(string name) => $"/pretend/{name}.sock";

    public SubOsObservation? Observe(string name) => Kernel.GetValueOrDefault(name);

    public bool HasRemains(string name) => Kernel.ContainsKey(name);

    public IReadOnlyList<string> Instances() => [.. Kernel.Keys.Concat(Strays).Distinct()];

    public AuditReport Audit(SubOsRecord record) => new(record.Name, record.Privileged, 0, [new AuditCheck("pretend", true, "recorded")]);
}
