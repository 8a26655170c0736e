using System.Text.Json;
using RainForest.Core;
using RainForest.Core.Topology;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Initramfs;

namespace RainForest.Supervisor.Tests.Unit;

/// <summary>
/// What a kernel subOS's guest is booted with for live resize, and which resizes of it are refused before anything
/// changes (exit code 2): without QEMU, from the rules alone.
/// </summary>
public sealed class KernelResizeRulesTests
{
    private static readonly GuestState s_virtioMem = new(1, 1, 384 * ByteSize.MiB, "0", MaxCpus: 2, BaseMemoryBytes: 256 * ByteSize.MiB,
        MaxMemoryBytes: 4 * ByteSize.GiB, MemoryDevice: GuestMemoryDevice.VirtioMem);

    private static SubOsRecord Record(string cpus = "0", string memory = "384M") => new()
    {
        Name = "k1",
        State = SubOsState.Running,
        Cpus = CpuSet.Parse(cpus),
        Mems = NodeSet.Of(0),
        Memory = ByteSize.Parse(memory),
        RootFs = "/",
        Created = DateTimeOffset.UnixEpoch,
        Backend = SubOsBackendKind.Kernel,
    };

    private static MachineRecord Machine(int cpus, string memory, string reserve) => new()
    {
        Topology = new MachineTopology
        {
            Cpus = [.. Enumerable.Range(0, cpus).Select(i => new CpuInfo(i, i, 0, 0, i.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Empty, true))],
            NumaNodes = [],
            MemTotalBytes = ByteSize.Parse(memory).Bytes,
            MemAvailableBytes = ByteSize.Parse(memory).Bytes,
        },
        ReserveCpus = CpuSet.Empty,
        ReserveMemory = ByteSize.Parse(reserve),
        Prefix = "rf-test",
        CgroupMode = CgroupMode.V2,
        Initialized = DateTimeOffset.UnixEpoch,
    };

    [Theory]
    [InlineData("0-1", "384M")]
    [InlineData("1", "384M")]
    [InlineData("0", "256M")]
    [InlineData("0", "4G")]
    [InlineData("0-1", "1026M")]
    public void CheckResize_WithinWhatTheGuestBootedWith_Passes(string cpus, string memory) =>
        KernelBackend.CheckResize(s_virtioMem, Record(), Record(cpus, memory));

    [Theory]
    [InlineData("0-2", "384M", "--cpus 0-2: k1 was booted with room for 2 vCPUs (maxcpus), not 3")]
    [InlineData("0", "4.5G", "--memory 4.5G: k1 was booted with room for 4G (maxmem)")]
    [InlineData("0", "128M", "--memory 128M: a kernel subOS needs at least 256M (its guest kernel, initramfs and overlay)")]
    [InlineData("0", "385M", "--memory 385M: a kernel subOS's memory comes in blocks of 2M")]
    public void CheckResize_BeyondTheGuest_InvalidInOneLine(string cpus, string memory, string message)
    {
        var e = Assert.Throws<RfException>(() => KernelBackend.CheckResize(s_virtioMem, Record(), Record(cpus, memory)));
        Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void CheckResize_Balloon_ShrinksAndReturnsButNeverGrowsPastBoot()
    {
        var balloon = s_virtioMem with { BaseMemoryBytes = 384 * ByteSize.MiB, MaxMemoryBytes = 384 * ByteSize.MiB, MemoryDevice = GuestMemoryDevice.Balloon };
        KernelBackend.CheckResize(balloon, Record(), Record(memory: "256M"));
        KernelBackend.CheckResize(balloon, Record(memory: "256M"), Record(memory: "384M"));
        var e = Assert.Throws<RfException>(() => KernelBackend.CheckResize(balloon, Record(), Record(memory: "512M")));
        Assert.Contains("only a balloon", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckResize_GuestFromBeforeLiveResize_RefusesCountAndMemoryButRepins()
    {
        var old = new GuestState(1, 1, 384 * ByteSize.MiB, "0");
        KernelBackend.CheckResize(old, Record(), Record(cpus: "1"));
        Assert.Contains("booted before live resize", Assert.Throws<RfException>(() => KernelBackend.CheckResize(old, Record(), Record(cpus: "0-1"))).Message, StringComparison.Ordinal);
        Assert.Contains("cannot change its memory", Assert.Throws<RfException>(() => KernelBackend.CheckResize(old, Record(), Record(memory: "512M"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_VirtioMem_BootsTheMinimumWithRoomForThePool()
    {
        var layout = KernelBackend.Layout(Record(memory: "1G"), Machine(8, "16G", "1G"), CpuSet.Parse("1-7"), GuestMemoryDevice.VirtioMem, Vm.Qemu.QemuAccelerator.Kvm);
        Assert.Equal(7, layout.MaxCpus);
        Assert.Equal(KernelBackend.MinimumMemory.Bytes, layout.BaseMemoryBytes);
        Assert.Equal(15 * ByteSize.GiB, layout.MaxMemoryBytes);
        Assert.Equal(ByteSize.GiB, layout.MemoryBytes);
        Assert.False(layout.ParkedVcpus);
    }

    [Fact]
    public void Layout_Balloon_BootsTheWholeSize()
    {
        var layout = KernelBackend.Layout(Record(cpus: "0-3", memory: "1G"), Machine(2, "16G", "1G"), CpuSet.Parse("0-1"), GuestMemoryDevice.Balloon, Vm.Qemu.QemuAccelerator.Tcg);
        Assert.Equal(4, layout.MaxCpus);
        Assert.Equal(ByteSize.GiB, layout.BaseMemoryBytes);
        Assert.Equal(ByteSize.GiB, layout.MaxMemoryBytes);
        Assert.False(layout.ParkedVcpus);
    }

    [Fact]
    public void Layout_Kvm_HotplugsWithoutABudget()
    {
        var layout = KernelBackend.Layout(Record(), Machine(8, "16G", "1G"), CpuSet.Parse("1-7"), GuestMemoryDevice.VirtioMem, Vm.Qemu.QemuAccelerator.Kvm, tcgUnplugs: true);
        Assert.Equal(GuestVcpuMode.Hotplug, layout.VcpuMode);
        Assert.Equal(0, layout.VcpuSlots);
        Assert.Null(layout.Budget);
    }

    [Theory]
    [InlineData(true, 16)]
    [InlineData(false, 7)]
    public void Layout_Tcg_BootsTheShareWithAThreadBudget(bool unplugs, int slots)
    {
        // M = 7 (the pool), boot 1: Q = 2M + 2 where QEMU survives unplugs, else M (only plugs, never more than M).
        var layout = KernelBackend.Layout(Record(), Machine(8, "16G", "1G"), CpuSet.Parse("1-7"), GuestMemoryDevice.VirtioMem, Vm.Qemu.QemuAccelerator.Tcg, tcgUnplugs: unplugs);
        Assert.Equal(GuestVcpuMode.Budget, layout.VcpuMode);
        Assert.False(layout.ParkedVcpus);
        Assert.Equal(7, layout.MaxCpus);
        Assert.Equal(slots, layout.VcpuSlots);
        Assert.Equal(1, layout.VcpuThreads);
        Assert.Equal(unplugs, layout.VcpuUnplugs);
        Assert.Equal(new VcpuBudget(slots, 1, 7, unplugs), layout.Budget);
    }

    [Fact]
    public void Layout_TcgParked_AsGuestsFromBeforeTheBudget()
    {
        var layout = KernelBackend.Layout(Record(), Machine(8, "16G", "1G"), CpuSet.Parse("1-7"), GuestMemoryDevice.VirtioMem, Vm.Qemu.QemuAccelerator.Tcg, park: true);
        Assert.Equal(GuestVcpuMode.Parked, layout.VcpuMode);
        Assert.True(layout.ParkedVcpus);
        Assert.Null(layout.Budget);
    }

    [Fact]
    public void GuestJson_FromBeforeTheBudget_KeepsItsMode_AndTheBudgetRoundTrips()
    {
        // guest.json as rfm wrote it before budgeted hot-plug: a TCG guest parks, any other hot-plugs.
        static GuestState Read(string json) => JsonSerializer.Deserialize(json, GuestJsonContext.Default.GuestState)!;
        var parked = Read("""{"pid":1,"start":2,"memoryBytes":402653184,"cpus":"0","maxCpus":2,"baseMemoryBytes":268435456,"maxMemoryBytes":1073741824,"memoryDevice":"VirtioMem","parkedVcpus":true}""");
        Assert.Equal(GuestVcpuMode.Parked, parked.VcpuMode);
        Assert.Null(parked.Budget);
        Assert.Equal(GuestVcpuMode.Hotplug, Read("""{"pid":1,"start":2,"memoryBytes":402653184,"cpus":"0","maxCpus":2}""").VcpuMode);

        var budgeted = s_virtioMem with { VcpuSlots = 6, VcpuThreads = 3, VcpuUnplugs = true };
        var json = JsonSerializer.Serialize(budgeted, GuestJsonContext.Default.GuestState);
        Assert.Contains("\"vcpuMode\":\"Budget\"", json, StringComparison.Ordinal);
        Assert.Contains("\"vcpuThreads\":3", json, StringComparison.Ordinal);
        var back = Read(json);
        Assert.Equal(budgeted, back);
        Assert.Equal(new VcpuBudget(6, 3, 2, true), back.Budget);
        Assert.Equal(new GuestVcpuChange(GuestVcpuMode.Budget, 6, 3, 3, true), GuestVcpuChange.Of(back));
    }

    [Fact]
    public void GuestVcpuChange_WhatShowSays_ForEachMode()
    {
        Assert.Equal("QMP hot-plug both ways", GuestVcpuChange.Of(s_virtioMem).Describe());
        Assert.StartsWith("parking (TCG)", GuestVcpuChange.Of(s_virtioMem with { ParkedVcpus = true }).Describe(), StringComparison.Ordinal);
        Assert.Equal(
            "QMP hot-plug (TCG): 2 of 6 vCPU thread starts left; a shrink unplugs while later grows stay possible, else parks",
            GuestVcpuChange.Of(s_virtioMem with { VcpuSlots = 6, VcpuThreads = 4, VcpuUnplugs = true }).Describe());
        Assert.StartsWith("QMP hot-add (TCG): 0 of 2 vCPU thread starts left; a shrink parks", GuestVcpuChange.Of(s_virtioMem with { VcpuSlots = 2, VcpuThreads = 2 }).Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kernel/drivers/virtio/virtio_mem.ko:\nkernel/drivers/virtio/virtio_balloon.ko:\n", "", GuestMemoryDevice.VirtioMem)]
    [InlineData("kernel/drivers/virtio/virtio_balloon.ko:\n", "", GuestMemoryDevice.Balloon)]
    [InlineData("kernel/fs/9p/9p.ko:\n", "kernel/drivers/virtio/virtio_mem.ko\n", GuestMemoryDevice.VirtioMem)]
    [InlineData("kernel/fs/9p/9p.ko:\n", "", GuestMemoryDevice.None)]
    public void MemoryDeviceOf_TheGuestKernelsModules_VirtioMemElseBalloon(string dep, string builtin, GuestMemoryDevice expected) =>
        Assert.Equal(expected, KernelBackend.MemoryDeviceOf(ModuleDependencies.Parse(dep, builtin)));
}
