using System.Diagnostics;
using System.Globalization;
using RainForest.Core;
using RainForest.Linux;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Guests;
using RainForest.Vm.Initramfs;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Kernels;

/// <summary>Live resize of a kernel subOS: vCPU hot-plug and virtio-mem (or the balloon) over QMP.</summary>
/// <remarks>
/// A guest boots with <c>-smp N,maxcpus=M</c>, M being every CPU the pool could ever give it (under TCG maxcpus is
/// a budget of vCPU thread starts, at least M: <see cref="VcpuBudget"/>), and with its memory
/// split into a fixed boot part (<see cref="MinimumMemory"/>) and a virtio-mem device reaching up to the pool's
/// memory, of which the subOS's size is plugged. Each change waits for the guest to complete it and leaves each vCPU
/// thread pinned to one of the subOS's exclusive CPUs; the memory cgroup limit follows the guest's size.
/// </remarks>
public sealed partial class KernelBackend
{
    /// <summary>
    /// Kernel arguments of a resizable guest: hot-plugged memory comes online by itself, movable while the kernel's own
    /// share allows (3:1), so that it can be unplugged again; and no bounce buffers (<c>swiotlb=noforce</c>), which the
    /// kernel would otherwise reserve (64M of a 256M boot memory) once memory may lie above 4G, and which virtio,
    /// addressing all of guest memory, never uses.
    /// </summary>
    public const string HotplugKernelArguments = "memhp_default_state=online memory_hotplug.online_policy=auto-movable swiotlb=noforce";

    /// <summary>The most vCPUs a guest is booted for: the i440FX <c>pc</c> machine's limit without an IOMMU.</summary>
    public const int MaxVcpus = 255;

    /// <summary>virtio-mem's block on x86 (QEMU's default block size): a guest's memory is a multiple of it.</summary>
    public static readonly ByteSize MemoryBlock = ByteSize.FromMiB(2);

    /// <summary>How long the guest may take to plug memory or a vCPU, or to let one go.</summary>
    public static TimeSpan ResizeTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the guest may take to free memory before a shrink without <c>--force</c> is refused: its driver
    /// migrates pages out of the blocks it unplugs and retries, slower each time, where they are in use.
    /// </summary>
    public static TimeSpan ShrinkTimeout { get; } = TimeSpan.FromSeconds(20);

    private const string HotMemoryId = "rf-hot";

    /// <summary>The virtio-serial port of a TCG guest, on which it takes CPU commands (it parks vCPUs: past its budget, or always on shrink where QEMU cannot unplug).</summary>
    private const string ControlPort = "rainforest.ctl";

    /// <summary>Checks a resize of a running kernel subOS against what its guest booted with (before anything changes).</summary>
    public void CheckResize(SubOsRecord before, SubOsRecord after)
    {
        ArgumentNullException.ThrowIfNull(before);
        if (ReadState(_state.SubOsDirectory(before.Name)) is { } state)
        {
            CheckResize(state, before, after);
        }
    }

    /// <summary>The rules of <see cref="CheckResize(SubOsRecord, SubOsRecord)"/>: bad input is one line, exit code 2.</summary>
    internal static void CheckResize(GuestState state, SubOsRecord before, SubOsRecord after)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var name = before.Name;
        if (!after.Cpus.Equals(before.Cpus) && after.Cpus.Count != before.Cpus.Count && state.MaxCpus == 0)
        {
            throw RfException.Invalid($"{name} was booted before live resize: its vCPUs cannot be hot-plugged ('rfm destroy' and create it again)");
        }

        if (state.MaxCpus > 0 && after.Cpus.Count > state.MaxCpus)
        {
            throw RfException.Invalid($"--cpus {after.Cpus}: {name} was booted with room for {state.MaxCpus} vCPUs (maxcpus), not {after.Cpus.Count}");
        }

        if (after.Memory == before.Memory)
        {
            return;
        }

        if (after.Memory < MinimumMemory)
        {
            throw RfException.Invalid($"--memory {after.Memory}: a kernel subOS needs at least {MinimumMemory} (its guest kernel, initramfs and overlay)");
        }

        if (after.Memory.Bytes % MemoryBlock.Bytes != 0)
        {
            throw RfException.Invalid($"--memory {after.Memory}: a kernel subOS's memory comes in blocks of {MemoryBlock}");
        }

        switch (state.MemoryDevice)
        {
            case GuestMemoryDevice.None:
                throw RfException.Invalid($"{name}'s guest cannot change its memory while it runs (its kernel has neither virtio_mem nor virtio_balloon, or it was booted before live resize)");
            case GuestMemoryDevice.VirtioMem when after.Memory.Bytes > state.MaxMemoryBytes:
                throw RfException.Invalid($"--memory {after.Memory}: {name} was booted with room for {new ByteSize(state.MaxMemoryBytes)} (maxmem)");
            case GuestMemoryDevice.Balloon when after.Memory.Bytes > state.BaseMemoryBytes:
                throw RfException.Invalid($"--memory {after.Memory}: {name}'s guest has only a balloon (no virtio_mem), which cannot grow beyond the {new ByteSize(state.BaseMemoryBytes)} it booted with");
        }
    }

    /// <summary>
    /// Gives the guest one vCPU per CPU of <paramref name="cpus"/>: unplugs the vCPUs it no longer needs (the ones
    /// pinned to CPUs it loses, never the boot vCPU), moves the cpuset, plugs new vCPUs, then pins each vCPU thread to
    /// its own CPU, those that stay keeping theirs. The same call repairs a guest whose pins or cpuset drifted.
    /// </summary>
    public void ApplyCpus(string name, CpuSet cpus, NodeSet mems)
    {
        var dir = _state.SubOsDirectory(name);
        var state = ReadState(dir) ?? throw RfException.Failed($"subOS '{name}' has no running guest (no {StateFile})");
        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        if (state.ParkedVcpus)
        {
            ApplyParkedCpus(name, cpus, mems, dir, state, qmp);
            return;
        }

        if (state.Budget is { } budget)
        {
            ApplyBudgetedCpus(name, cpus, mems, dir, state, budget, qmp);
            return;
        }

        var vcpus = qmp.QueryCpus();
        if (vcpus.Count != cpus.Count && state.MaxCpus == 0)
        {
            throw RfException.Invalid($"{name} was booted before live resize: its vCPUs cannot be hot-plugged");
        }

        var pins = vcpus.ToDictionary(v => v.CpuIndex, v => PinOf(state.Pid, v));

        // Unplug first, while the cpuset still holds every CPU the vCPUs run on: the ones on lost CPUs, newest first.
        var surplus = vcpus.Count - cpus.Count;
        foreach (var vcpu in vcpus.Where(v => v.CpuIndex != 0).OrderBy(v => pins[v.CpuIndex] is { } pin && cpus.Contains(pin)).ThenByDescending(v => v.CpuIndex).Take(Math.Max(0, surplus)).ToList())
        {
            QemuHotplug.UnplugVcpu(qmp, vcpu, ResizeTimeout);
            pins.Remove(vcpu.CpuIndex);
        }

        // A cpuset change resets the affinity of every thread in it: every vCPU is pinned again below.
        _cgroups.SetCpus(name, cpus, mems.ToString());
        for (var i = vcpus.Count - Math.Max(0, surplus); i < cpus.Count; i++)
        {
            var added = QemuHotplug.PlugVcpu(qmp);
            pins[added.CpuIndex] = null;
        }

        var now = qmp.QueryCpus();
        var taken = new HashSet<int>();
        var keep = new Dictionary<int, int>();
        foreach (var vcpu in now.OrderBy(v => v.CpuIndex))
        {
            if (pins.GetValueOrDefault(vcpu.CpuIndex) is { } pin && cpus.Contains(pin) && taken.Add(pin))
            {
                keep[vcpu.CpuIndex] = pin;
            }
        }

        var free = new Queue<int>(cpus.Where(c => !taken.Contains(c)));
        foreach (var vcpu in now.OrderBy(v => v.CpuIndex))
        {
            var cpu = keep.TryGetValue(vcpu.CpuIndex, out var kept) ? kept : free.Dequeue();
            Pin(state.Pid, vcpu, cpu);
        }

        WriteState(dir, state with { Cpus = cpus.ToString() });
    }

    /// <summary>
    /// <see cref="ApplyCpus"/> for a guest with parked vCPUs: the guest offlines the vCPUs it gives up (those on lost
    /// CPUs first, never vCPU 0) and onlines parked ones for CPUs it gains; online vCPUs are pinned one to a CPU, those
    /// that stay keeping theirs, and parked ones, asleep, may run on any of the subOS's CPUs.
    /// </summary>
    private void ApplyParkedCpus(string name, CpuSet cpus, NodeSet mems, string dir, GuestState state, QmpClient qmp)
    {
        var control = Path.Combine(dir, "ctl.sock");
        var vcpus = qmp.QueryCpus();
        var online = CpuSet.Parse(GuestControl.Send(control, "list", ResizeTimeout));
        var pins = vcpus.Where(v => online.Contains(v.CpuIndex)).ToDictionary(v => v.CpuIndex, v => PinOf(state.Pid, v));
        var surplus = online.Count - cpus.Count;
        foreach (var vcpu in vcpus.Where(v => v.CpuIndex != 0 && online.Contains(v.CpuIndex)).OrderBy(v => pins[v.CpuIndex] is { } pin && cpus.Contains(pin)).ThenByDescending(v => v.CpuIndex).Take(Math.Max(0, surplus)).ToList())
        {
            GuestControl.Send(control, string.Create(CultureInfo.InvariantCulture, $"offline {vcpu.CpuIndex}"), ResizeTimeout);
            pins.Remove(vcpu.CpuIndex);
        }

        _cgroups.SetCpus(name, cpus, mems.ToString());
        foreach (var vcpu in vcpus.Where(v => !pins.ContainsKey(v.CpuIndex)).OrderBy(v => v.CpuIndex).Take(Math.Max(0, -surplus)).ToList())
        {
            GuestControl.Send(control, string.Create(CultureInfo.InvariantCulture, $"online {vcpu.CpuIndex}"), ResizeTimeout);
            pins[vcpu.CpuIndex] = null;
        }

        PinParked(state.Pid, vcpus, pins, cpus);
        WriteState(dir, state with { Cpus = cpus.ToString() });
    }

    /// <summary>
    /// <see cref="ApplyCpus"/> under TCG with a vCPU thread budget (<see cref="VcpuBudget"/>): the vCPUs it gives up
    /// (those on lost CPUs first, never vCPU 0) are unplugged while the budget allows it and parked otherwise; for the
    /// CPUs it gains, parked vCPUs come online first, then new ones are plugged, each start recorded before its
    /// <c>device_add</c>, and each waited for until the guest has it online. Online vCPUs are pinned one to a CPU,
    /// those that stay keeping theirs; parked ones may run on any of the subOS's CPUs.
    /// </summary>
    private void ApplyBudgetedCpus(string name, CpuSet cpus, NodeSet mems, string dir, GuestState state, VcpuBudget budget, QmpClient qmp)
    {
        var control = Path.Combine(dir, "ctl.sock");
        var vcpus = qmp.QueryCpus();
        var online = CpuSet.Parse(GuestControl.Send(control, "list", ResizeTimeout));
        var pins = vcpus.Where(v => online.Contains(v.CpuIndex)).ToDictionary(v => v.CpuIndex, v => PinOf(state.Pid, v));
        var present = vcpus.Count;
        var surplus = pins.Count - cpus.Count;
        foreach (var vcpu in vcpus.Where(v => v.CpuIndex != 0 && pins.ContainsKey(v.CpuIndex)).OrderBy(v => pins[v.CpuIndex] is { } pin && cpus.Contains(pin)).ThenByDescending(v => v.CpuIndex).Take(Math.Max(0, surplus)).ToList())
        {
            if (budget.Remove(present) == VcpuRemoval.Unplug)
            {
                QemuHotplug.UnplugVcpu(qmp, vcpu, ResizeTimeout);
                present--;
            }
            else
            {
                GuestControl.Send(control, string.Create(CultureInfo.InvariantCulture, $"offline {vcpu.CpuIndex}"), ResizeTimeout);
            }

            pins.Remove(vcpu.CpuIndex);
        }

        _cgroups.SetCpus(name, cpus, mems.ToString());
        var wanted = Math.Max(0, -surplus);
        foreach (var vcpu in qmp.QueryCpus().Where(v => !pins.ContainsKey(v.CpuIndex)).OrderBy(v => v.CpuIndex).Take(wanted).ToList())
        {
            GuestControl.Send(control, string.Create(CultureInfo.InvariantCulture, $"online {vcpu.CpuIndex}"), ResizeTimeout);
            pins[vcpu.CpuIndex] = null;
            wanted--;
        }

        for (; wanted > 0; wanted--)
        {
            if (!budget.CanPlug)
            {
                // The shrink rule keeps enough vCPUs present for any grow up to maxcpus: this is a guest.json that lies.
                throw RfException.Failed($"subOS '{name}': its QEMU has started all {budget.Slots} vCPU threads it may (TCG) and no parked vCPU is left to bring online");
            }

            budget = budget.Plugging();
            state = state with { VcpuThreads = budget.Started };
            WriteState(dir, state);
            var added = QemuHotplug.PlugVcpu(qmp);
            WaitOnline(control, added.CpuIndex);
            pins[added.CpuIndex] = null;
        }

        PinParked(state.Pid, qmp.QueryCpus(), pins, cpus);
        WriteState(dir, state with { Cpus = cpus.ToString() });
    }

    /// <summary>Waits until the guest has brought a plugged vCPU online (its uevent hook does), as its control port lists them.</summary>
    private static void WaitOnline(string control, int index)
    {
        var clock = Stopwatch.StartNew();
        while (!CpuSet.Parse(GuestControl.Send(control, "list", ResizeTimeout)).Contains(index))
        {
            if (clock.Elapsed > ResizeTimeout)
            {
                throw RfException.Failed($"the guest did not bring the plugged vCPU {index} online within {ResizeTimeout.TotalSeconds:0} s");
            }

            // Each look runs a command in the guest (emulated): a few a second are enough.
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// Pins each online vCPU (a key of <paramref name="pins"/>) to a CPU of its own, keeping the CPU it had where that
    /// remains, and lets every parked vCPU run on all of <paramref name="cpus"/>.
    /// </summary>
    private static void PinParked(int pid, IReadOnlyList<QmpCpu> vcpus, Dictionary<int, int?> pins, CpuSet cpus)
    {
        var taken = new HashSet<int>();
        var keep = new Dictionary<int, int>();
        foreach (var (index, pin) in pins.OrderBy(p => p.Key))
        {
            if (pin is { } cpu && cpus.Contains(cpu) && taken.Add(cpu))
            {
                keep[index] = cpu;
            }
        }

        var free = new Queue<int>(cpus.Where(c => !taken.Contains(c)));
        foreach (var vcpu in vcpus)
        {
            CheckThread(pid, vcpu);
            if (pins.ContainsKey(vcpu.CpuIndex))
            {
                Affinity.Set(vcpu.ThreadId, CpuSet.Of([keep.TryGetValue(vcpu.CpuIndex, out var kept) ? kept : free.Dequeue()]));
            }
            else
            {
                Affinity.Set(vcpu.ThreadId, cpus);
            }
        }
    }

    /// <summary>Pins a guest with parked vCPUs as it boots: the first of them online, one to each CPU; the rest parked.</summary>
    private static void PinBooted(string dir, int pid, CpuSet cpus)
    {
        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        var vcpus = qmp.QueryCpus();
        PinParked(pid, vcpus, vcpus.Take(cpus.Count).ToDictionary(v => v.CpuIndex, _ => (int?)null), cpus);
    }

    /// <summary>
    /// Gives the guest <paramref name="memory"/>: the cgroup limit rises before the guest grows and falls after it has
    /// shrunk. Where the guest does not get there within <see cref="ResizeTimeout"/> the request is taken back and
    /// this fails (exit code 1). The same size again only reapplies the limit (a repair).
    /// </summary>
    public void ApplyMemory(string name, ByteSize memory)
    {
        if (!ResizeMemory(name, memory, ResizeTimeout))
        {
            throw RfException.Failed($"subOS '{name}': the guest did not reach {memory} within {ResizeTimeout.TotalSeconds:0} s; it keeps its size");
        }
    }

    /// <summary>Shrinks the guest when its driver frees the memory within <see cref="ShrinkTimeout"/>; false, with the size kept, when it does not.</summary>
    public bool TryShrinkMemory(string name, ByteSize memory) => ResizeMemory(name, memory, ShrinkTimeout);

    /// <summary>
    /// As <see cref="ApplyMemory"/>: a guest gives back only memory it can free, nothing on the host can force it
    /// without killing the whole guest; it gets <see cref="ResizeTimeout"/> rather than <see cref="ShrinkTimeout"/>.
    /// </summary>
    public void ForceMemory(SubOsRecord record, ByteSize memory)
    {
        ArgumentNullException.ThrowIfNull(record);
        ApplyMemory(record.Name, memory);
    }

    /// <summary>How the guest kernel's modules let its memory change: virtio_mem, else the balloon, else not at all.</summary>
    internal static GuestMemoryDevice MemoryDeviceOf(ModuleDependencies modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        static bool Has(ModuleDependencies m, string name) => m.PathOf(name) is not null || m.IsBuiltin(name);
        return Has(modules, "virtio_mem") ? GuestMemoryDevice.VirtioMem
            : Has(modules, "virtio_balloon") ? GuestMemoryDevice.Balloon
            : GuestMemoryDevice.None;
    }

    /// <summary>
    /// How a guest is booted for live resize: room for a vCPU on every CPU the pool could give the subOS, and with
    /// virtio-mem a fixed boot part of <see cref="MinimumMemory"/> plus a device as large as the pool's memory. Under
    /// TCG it gets a vCPU thread budget (<see cref="VcpuBudget.AtBoot"/>; <paramref name="tcgUnplugs"/>: whether this
    /// QEMU survives a vCPU unplug, <see cref="QemuVersion.TcgUnplugKeepsHeap"/>), or, with <paramref name="park"/>
    /// (<see cref="ParkTcgVcpus"/>), parks its vCPUs as guests booted before budgeted hot-plug do.
    /// </summary>
    internal static GuestState Layout(SubOsRecord record, MachineRecord machine, CpuSet parentCpus, GuestMemoryDevice device, QemuAccelerator accelerator, bool tcgUnplugs = false, bool park = false)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(machine);
        var maxCpus = Math.Clamp(parentCpus.Count, record.Cpus.Count, Math.Max(MaxVcpus, record.Cpus.Count));
        var pool = (machine.Topology.MemTotalBytes - machine.ReserveMemory.Bytes) / MemoryBlock.Bytes * MemoryBlock.Bytes;
        var (baseBytes, maxBytes) = device switch
        {
            GuestMemoryDevice.VirtioMem => (MinimumMemory.Bytes, Math.Max(pool, record.Memory.Bytes + MemoryBlock.Bytes)),
            _ => (record.Memory.Bytes, record.Memory.Bytes),
        };
        var layout = new GuestState(0, 0, record.Memory.Bytes, record.Cpus.ToString(), maxCpus, baseBytes, maxBytes, device);
        if (accelerator != QemuAccelerator.Tcg)
        {
            return layout;
        }

        if (park)
        {
            return layout with { ParkedVcpus = true };
        }

        var budget = VcpuBudget.AtBoot(record.Cpus.Count, maxCpus, tcgUnplugs, Math.Max(MaxVcpus, maxCpus));
        return layout with { VcpuSlots = budget.Slots, VcpuThreads = budget.Started, VcpuUnplugs = budget.Unplugs };
    }

    /// <summary>
    /// Boots TCG guests as rfm did before budgeted hot-plug: every vCPU started, those beyond the share parked. Only for
    /// tests of guests from then, which keep that mode (their <c>guest.json</c> says so) for as long as they run.
    /// </summary>
    internal static bool ParkTcgVcpus { get; set; }

    /// <summary>QEMU's devices for a resizable guest's memory: the hot-pluggable memfd and virtio-mem on it, or the balloon.</summary>
    private static IEnumerable<string> HotplugDevices(GuestState layout, GuestMemoryBacking backing, NodeSet mems, string dir) =>
        [.. MemoryDevices(layout, backing, mems), .. ControlDevices(layout, dir)];

    /// <summary>Whether the guest has a control port: it parks vCPUs (all TCG guests do, budgeted ones once past the budget or when QEMU cannot unplug).</summary>
    private static bool HasControlPort(GuestState layout) => layout.VcpuMode != GuestVcpuMode.Hotplug;

    private static IEnumerable<string> ControlDevices(GuestState layout, string dir) => HasControlPort(layout)
        ? ["-chardev", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"socket,id=rf-ctl,fd={QemuLauncher.ControlFd},server=on,wait=off"), "-device", $"virtserialport,bus=rf-serial.0,chardev=rf-ctl,name={ControlPort}"]
        : [];

    private static IEnumerable<string> MemoryDevices(GuestState layout, GuestMemoryBacking backing, NodeSet mems) => layout.MemoryDevice switch
    {
        GuestMemoryDevice.VirtioMem =>
        [
            // Sparse until plugged: QEMU discards what the guest unplugs, so the cgroup (or, over huge pages, the host's
            // pool) is charged for what it has. The same pages and nodes as the boot memory where the host has them.
            "-object", backing.HotBackend(HotMemoryId, layout.MaxMemoryBytes - layout.BaseMemoryBytes, mems),
            "-device", string.Create(CultureInfo.InvariantCulture, $"virtio-mem-pci,id={QemuHotplug.MemoryDeviceId},memdev={HotMemoryId},requested-size={(layout.MemoryBytes - layout.BaseMemoryBytes) / ByteSize.MiB}M,{backing.VirtioMemOptions}"),
        ],
        GuestMemoryDevice.Balloon => ["-device", $"virtio-balloon-pci,id={QemuHotplug.BalloonId}"],
        _ => [],
    };

    private bool ResizeMemory(string name, ByteSize memory, TimeSpan timeout)
    {
        var dir = _state.SubOsDirectory(name);
        var state = ReadState(dir) ?? throw RfException.Failed($"subOS '{name}' has no running guest (no {StateFile})");
        var current = new ByteSize(state.MemoryBytes);
        if (current == memory)
        {
            _cgroups.SetMemory(name, memory + Overhead);
            return true;
        }

        if (memory > current)
        {
            _cgroups.SetMemory(name, memory + Overhead);
        }

        bool reached;
        using (var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10)))
        {
            var boot = new ByteSize(state.BaseMemoryBytes);
            reached = state.MemoryDevice switch
            {
                GuestMemoryDevice.VirtioMem => QemuHotplug.ResizeVirtioMem(qmp, memory - boot, current - boot, timeout),
                GuestMemoryDevice.Balloon => QemuHotplug.ResizeBalloon(qmp, memory, current, timeout),
                _ => throw RfException.Invalid($"{name}'s guest cannot change its memory while it runs"),
            };
        }

        if (!reached)
        {
            _cgroups.SetMemory(name, current + Overhead);
            return false;
        }

        WriteState(dir, state with { MemoryBytes = memory.Bytes });
        if (memory < current)
        {
            _cgroups.SetMemory(name, memory + Overhead);
        }

        return true;
    }

    /// <summary>The one host CPU a vCPU's thread is pinned to, or null when it may run on several (unpinned, or reset by a cpuset change).</summary>
    private static int? PinOf(int pid, QmpCpu vcpu)
    {
        CheckThread(pid, vcpu);
        var affinity = Affinity.Get(vcpu.ThreadId);
        return affinity.Count == 1 ? affinity.First() : null;
    }

    private static void Pin(int pid, QmpCpu vcpu, int cpu)
    {
        CheckThread(pid, vcpu);
        Affinity.Set(vcpu.ThreadId, CpuSet.Of([cpu]));
    }

    /// <summary>Only a thread of the QEMU this backend started is ever pinned.</summary>
    private static void CheckThread(int pid, QmpCpu vcpu)
    {
        if (!Directory.Exists($"/proc/{pid}/task/{vcpu.ThreadId}"))
        {
            throw RfException.Failed($"vCPU {vcpu.CpuIndex}'s thread {vcpu.ThreadId} is not a thread of QEMU (pid {pid})");
        }
    }
}
