using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Tests.Integration;

/// <summary>
/// Live resize of a kernel subOS under TCG, on one guest (1 vCPU, 384M) for every check, since a boot takes tens of
/// seconds here. CPUs grow and shrink by one, round after round: within QEMU's vCPU thread budget a grow plugs a vCPU
/// (QMP <c>device_add</c>) and a shrink unplugs it (<c>device_del</c>) where this QEMU survives that (10 and later),
/// past it (or on QEMU 7.2, whose heap an unplug corrupts) a shrink parks the vCPU and the next grow onlines it again;
/// each change seen by <c>nproc</c> inside and by QEMU's vCPU list, every vCPU thread a thread of the recorded QEMU,
/// pinned one to a CPU on the host. Memory is plugged and unplugged through virtio-mem, seen by <c>free -b</c>
/// inside, the cgroup limit following; the resizes the guest cannot take are refused in one line with nothing
/// changed; QEMU stays alive with its heap intact throughout, and destroy leaves nothing. A guest booted as before the
/// budget (every vCPU booted, the extra ones parked) keeps parking. <c>./test</c> runs the first test a second time
/// under bookworm-backports' QEMU 10 (<c>scripts/with-qemu-backports</c>), where it must take the unplug path.
/// </summary>
[Trait("Category", "Integration")]
[Collection("kernel")]
public sealed class KernelResizeTests : IDisposable
{
    private const string Name = "kresize";
    private static readonly ByteSize s_memory = ByteSize.Parse("384M");
    private readonly CellHost _host = new();

    public void Dispose() => _host.Dispose();

    [GuestFact]
    public void Resize_CpusAndMemory_SeenInsideAndOnTheHost_BadInputChangesNothing()
    {
        var supervisor = _host.Supervisor;
        var record = CreateGuest();
        var dir = _host.State.SubOsDirectory(Name);
        var timings = new StringBuilder();
        try
        {
            Assert.Equal(1, Nproc());
            var bootTotal = MemTotal();
            var qemu = record.AgentPid;
            var qemuStart = ProcessInfo.StartTime(qemu);

            // Under TCG the guest boots its share with a budget of vCPU thread starts (maxcpus Q): 2M + 2 where this
            // QEMU survives unplugs, else M; one started, the rest free slots.
            var state = ReadState(dir);
            Assert.Equal(GuestVcpuMode.Budget, state.VcpuMode);
            Assert.Equal(2, state.MaxCpus);
            Assert.Equal(state.VcpuUnplugs ? 6 : 2, state.VcpuSlots);
            Assert.Equal(1, state.VcpuThreads);
            var version = QemuVersion.Probe()!;
            Assert.Equal(state.VcpuUnplugs, version.TcgUnplugKeepsHeap);
            if (GuestFactAttribute.QemuFromBackports)
            {
                Assert.True(version.Major >= 10 && state.VcpuUnplugs, $"run under scripts/with-qemu-backports, yet the guest booted on QEMU {version}, which parks on shrink");
            }

            using (var qmp = Qmp(dir))
            {
                Assert.Single(qmp.QueryCpus());
                Assert.Equal(state.VcpuSlots, qmp.QueryCpuSlots().Count);
            }

            Assert.Contains("vCPU thread starts left", _host.Supervisor.Show(Name).Vcpus!.Describe(), StringComparison.Ordinal);
            AssertPinned(qemu, dir, record.Cpus);

            // CPUs, round after round: 1 -> 2 and back, alternately keeping the boot vCPU's CPU (it keeps its pin) and
            // the other one's (the boot vCPU, which never goes, moves to it); until the budget has forced parking and
            // two rounds more have run on the parked vCPU.
            var (plugs, unplugs, parks, onlines) = (0, 0, 0, 0);
            var round = 0;
            for (; round < 3 || parks < 3; round++)
            {
                Assert.True(round < 10, "the budget never forced parking");
                var before = ReadState(dir);
                var present = Vcpus(dir).Count;
                var clock = Stopwatch.StartNew();
                var grown = supervisor.Resize(Name, CpuRequest.Parse("2", true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu grow {clock.ElapsedMilliseconds} ms");
                Assert.Equal(2, grown.Cpus.Count);

                // Resize returns once the guest has the vCPU online.
                Assert.Equal(2, Nproc());
                var after = ReadState(dir);
                var vcpus = Vcpus(dir);
                if (present == 1)
                {
                    // Plugged: a new vCPU in QEMU's list, its thread one of QEMU's, pinned alone to the new CPU; one more start spent.
                    plugs++;
                    timings.Append(" (plug); ");
                    Assert.Equal(2, vcpus.Count);
                    Assert.Equal(before.VcpuThreads + 1, after.VcpuThreads);
                    Assert.True(after.VcpuThreads <= after.VcpuSlots);
                }
                else
                {
                    // A parked vCPU onlined: nothing plugged, no start spent.
                    onlines++;
                    timings.Append(" (online); ");
                    Assert.Equal(present, vcpus.Count);
                    Assert.Equal(before.VcpuThreads, after.VcpuThreads);
                }

                var pins = AssertPinned(qemu, dir, grown.Cpus);
                var added = vcpus.Single(v => v.CpuIndex != 0);
                Assert.True(Directory.Exists($"/proc/{qemu}/task/{added.ThreadId}"), $"vCPU {added.CpuIndex}'s thread {added.ThreadId} is not QEMU's");
                Assert.Equal(CpuSet.Of([grown.Cpus.Single(c => c != pins[0])]), Affinity.Get(added.ThreadId));
                Assert.Equal(grown.Cpus, _host.Cgroups.Read(Name).Cpus);

                // The shrink unplugs only while the vCPUs left and the starts left still reach M = 2, else parks.
                var unplug = after.VcpuUnplugs && (vcpus.Count - 1) + (after.VcpuSlots - after.VcpuThreads) >= after.MaxCpus;
                var keep = round % 2 == 0 ? pins[0] : grown.Cpus.Single(c => c != pins[0]);
                clock.Restart();
                var shrunk = supervisor.Resize(Name, CpuRequest.Parse(string.Create(CultureInfo.InvariantCulture, $"{keep}-{keep}"), true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu shrink {clock.ElapsedMilliseconds} ms ({(unplug ? "unplug" : "park")}); ");
                Assert.Equal(CpuSet.Of([keep]), shrunk.Cpus);
                WaitUntil(() => Nproc() == 1, "nproc inside becomes 1");
                if (unplug)
                {
                    unplugs++;
                    Assert.DoesNotContain(Vcpus(dir), v => v.QomPath == added.QomPath);
                    Assert.Single(Vcpus(dir));
                }
                else
                {
                    parks++;
                    Assert.Contains(Vcpus(dir), v => v.QomPath == added.QomPath);
                }

                var left = AssertPinned(qemu, dir, shrunk.Cpus);
                Assert.Equal(keep, left[0]);
                Assert.Equal(shrunk.Cpus, _host.Cgroups.Read(Name).Cpus);
                Assert.True(ProcessInfo.IsAlive(qemu, qemuStart), $"QEMU ended in round {round + 1}");
            }

            // Every start the budget had was spent before the first park where QEMU unplugs; on 7.2 one plug, then parking.
            var spent = ReadState(dir);
            Assert.True(spent.VcpuUnplugs ? unplugs > 0 : unplugs == 0 && parks >= 3, $"QEMU {version}: {unplugs} unplugs, {parks} parks");
            Assert.Equal(spent.VcpuUnplugs ? spent.VcpuSlots - 1 : 1, plugs);
            Assert.Equal(spent.VcpuUnplugs ? spent.VcpuSlots - 2 : 0, unplugs);
            Assert.Equal(round - plugs, onlines);
            Assert.Equal(spent.VcpuUnplugs ? spent.VcpuSlots : 2, spent.VcpuThreads);
            Assert.Equal(0, _host.Supervisor.Show(Name).Vcpus!.PlugsLeft);

            // Memory: 384M -> 640M through virtio-mem, the limit first; then back to 384M, the limit after.
            var bigger = ByteSize.Parse("640M");
            var memoryClock = Stopwatch.StartNew();
            supervisor.Resize(Name, null, bigger);
            timings.Append(CultureInfo.InvariantCulture, $"memory grow {memoryClock.ElapsedMilliseconds} ms; ");
            WaitUntil(() => MemTotal() >= bootTotal + (256 * ByteSize.MiB), "free -b inside grows by 256M");
            Assert.Equal(bigger + KernelBackend.Overhead, _host.Cgroups.Read(Name).MemoryLimit);
            Assert.Equal(bigger, _host.Find(Name)!.Memory);
            memoryClock.Restart();
            supervisor.Resize(Name, null, s_memory);
            timings.Append(CultureInfo.InvariantCulture, $"memory shrink {memoryClock.ElapsedMilliseconds} ms");
            // The same number of 2M blocks as at boot, not necessarily the same ones: within a few MiB of the boot total.
            WaitUntil(() => Math.Abs(MemTotal() - bootTotal) <= 8 * ByteSize.MiB, "free -b inside is back to its boot total");
            var afterShrink = MemTotal();
            Assert.Equal(s_memory + KernelBackend.Overhead, _host.Cgroups.Read(Name).MemoryLimit);

            // What the guest cannot take: one line, exit code 2, the ledger, the cgroups and the guest unchanged.
            var unchanged = _host.Find(Name)!;
            foreach (var (cpus, memory) in new (string?, string?)[] { (null, "128M"), (null, "385M"), ("3", null), (null, "1T") })
            {
                var e = Assert.Throws<RfException>(() => supervisor.Resize(Name, cpus is null ? null : CpuRequest.Parse(cpus, true), memory is null ? null : ByteSize.Parse(memory)));
                Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
                Assert.DoesNotContain('\n', e.Message);
                Assert.Equal(unchanged, _host.Find(Name));
                Assert.Equal(s_memory + KernelBackend.Overhead, _host.Cgroups.Read(Name).MemoryLimit);
                Assert.Equal(unchanged.Cpus, _host.Cgroups.Read(Name).Cpus);
            }

            Assert.Equal(1, Nproc());
            Assert.Equal(afterShrink, MemTotal());

            // The journal records each resize as for cells.
            var resizes = supervisor.Journal(target: Name).Where(j => j.Operation == "resize").ToList();
            Assert.Equal((2 * round) + 2, resizes.Count(j => j.Outcome == JournalOutcome.Ok));
            Assert.Equal(4, resizes.Count(j => j.Outcome == JournalOutcome.Rejected));
            Assert.Contains(resizes, j => j.After is { } after && after.Contains("memory=640M", StringComparison.Ordinal));

            // The same QEMU all along, and nothing in its log of a heap corruption or a failed assertion.
            AssertQemuIntact(qemu, qemuStart, dir);

            // Last, as it may be the last thing this QEMU does well (7.2's heap does not survive it): QMP device_del
            // of the plugged vCPU, brought online again first, runs in the guest as well: it ejects the vCPU, QEMU no
            // longer lists it, and nproc inside drops to 1.
            supervisor.Resize(Name, CpuRequest.Parse("2", true), null);
            Assert.Equal(2, Nproc());
            using (var qmp = Qmp(dir))
            {
                var plugged = qmp.QueryCpus().Single(v => v.CpuIndex != 0);
                var clock = Stopwatch.StartNew();
                QemuHotplug.UnplugVcpu(qmp, plugged, KernelBackend.ResizeTimeout);
                timings.Append(CultureInfo.InvariantCulture, $"; device_del by hand {clock.ElapsedMilliseconds} ms");
                Assert.Single(qmp.QueryCpus());
            }

            WaitUntil(() => Nproc() == 1, "nproc inside becomes 1 after device_del");
            Assert.True(ProcessInfo.IsAlive(qemu, qemuStart), "QEMU ended unplugging a vCPU");
        }
        finally
        {
            Report(dir, timings);
            supervisor.Destroy(Name);
        }

        AssertNothingLeft(record);
    }

    [GuestFact]
    public void Resize_GuestFromBeforeTheBudget_KeepsParkingItsVcpus()
    {
        var supervisor = _host.Supervisor;
        SubOsRecord record;
        KernelBackend.ParkTcgVcpus = true;
        try
        {
            record = CreateGuest();
        }
        finally
        {
            KernelBackend.ParkTcgVcpus = false;
        }

        var dir = _host.State.SubOsDirectory(Name);
        var timings = new StringBuilder();
        try
        {
            // Every vCPU booted, the one beyond the share parked; no budget recorded.
            var state = ReadState(dir);
            Assert.Equal(GuestVcpuMode.Parked, state.VcpuMode);
            Assert.Equal(0, state.VcpuSlots);
            Assert.Equal(2, Vcpus(dir).Count);
            Assert.Equal(1, Nproc());
            Assert.StartsWith("parking", _host.Supervisor.Show(Name).Vcpus!.Describe(), StringComparison.Ordinal);
            var qemu = record.AgentPid;
            var qemuStart = ProcessInfo.StartTime(qemu);
            AssertPinned(qemu, dir, record.Cpus);
            for (var round = 0; round < 2; round++)
            {
                var clock = Stopwatch.StartNew();
                var grown = supervisor.Resize(Name, CpuRequest.Parse("2", true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu grow {clock.ElapsedMilliseconds} ms; ");
                WaitUntil(() => Nproc() == 2, "nproc inside becomes 2");
                var pins = AssertPinned(qemu, dir, grown.Cpus);
                Assert.Equal(2, Vcpus(dir).Count);
                var keep = round % 2 == 0 ? pins[0] : grown.Cpus.Single(c => c != pins[0]);
                clock.Restart();
                var shrunk = supervisor.Resize(Name, CpuRequest.Parse(string.Create(CultureInfo.InvariantCulture, $"{keep}-{keep}"), true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu shrink {clock.ElapsedMilliseconds} ms; ");
                WaitUntil(() => Nproc() == 1, "nproc inside becomes 1");
                Assert.Equal(keep, AssertPinned(qemu, dir, shrunk.Cpus)[0]);
                Assert.Equal(2, Vcpus(dir).Count);
            }

            Assert.Equal(GuestVcpuMode.Parked, ReadState(dir).VcpuMode);
            AssertQemuIntact(qemu, qemuStart, dir);
        }
        finally
        {
            Report(dir, timings);
            supervisor.Destroy(Name);
        }

        AssertNothingLeft(record);
    }

    private SubOsRecord CreateGuest()
    {
        if (_host.Supervisor.Pool().FreeCpus.Count < 2)
        {
            Assert.Fail($"needs 2 free CPUs for a grow from 1 to 2; free: {_host.Supervisor.Pool().FreeCpus} (another test holds them: retry)");
        }

        return _host.Supervisor.Create(new CreateOptions
        {
            Name = Name,
            Cpus = CpuRequest.Parse("1", false),
            Memory = s_memory,
            Backend = SubOsBackendKind.Kernel,
            Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
        });
    }

    private static GuestState ReadState(string dir) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, "guest.json")), GuestJsonContext.Default.GuestState)!;

    private static QmpClient Qmp(string dir) => QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));

    private static IReadOnlyList<QmpCpu> Vcpus(string dir)
    {
        using var qmp = Qmp(dir);
        return qmp.QueryCpus();
    }

    private static void AssertQemuIntact(int qemu, long? qemuStart, string dir)
    {
        Assert.True(ProcessInfo.IsAlive(qemu, qemuStart), "QEMU ended during the resizes");
        var log = File.Exists(Path.Combine(dir, "qemu.log")) ? File.ReadAllText(Path.Combine(dir, "qemu.log")) : string.Empty;
        Assert.DoesNotMatch("corrupt|double free|free\\(\\)|Aborted|assertion", log);
    }

    private static void Report(string dir, StringBuilder timings)
    {
        Console.Error.WriteLine($"kernel subOS resize under TCG (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}): {timings}");
        foreach (var file in new[] { "console.log", "qemu.log" }.Select(f => Path.Combine(dir, f)).Where(File.Exists))
        {
            Console.Error.WriteLine(File.ReadAllText(file));
        }
    }

    /// <summary>Destroy leaves nothing: no QEMU, no cgroup, no directory, and the CPUs back in the pool.</summary>
    private void AssertNothingLeft(SubOsRecord record)
    {
        Assert.False(ProcessInfo.IsAlive(record.AgentPid, null));
        Assert.False(_host.Cgroups.Exists(Name));
        Assert.False(Directory.Exists(_host.State.SubOsDirectory(Name)));
        Assert.Null(_host.Find(Name));
        Assert.True(_host.Supervisor.Pool().FreeCpus.Count >= 2);
    }

    private int Nproc() => int.Parse(Exec("nproc").Trim(), CultureInfo.InvariantCulture);

    private long MemTotal() =>
        long.Parse(Exec("free", "-b").Split('\n').Single(l => l.StartsWith("Mem:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private string Exec(params string[] argv)
    {
        using var output = new MemoryStream();
        using var error = new MemoryStream();
        var code = StreamExecClient.Run(_host.Supervisor.AgentEndpoint(Name).Path, argv, stdin: Stream.Null, stdout: output, stderr: error, tty: false);
        Assert.True(code == 0, $"{string.Join(' ', argv)}: exit {code}: {Encoding.UTF8.GetString(error.ToArray())}");
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>
    /// Checks the vCPU threads against <paramref name="cpus"/> and returns the CPU of each vCPU pinned alone, by its
    /// index: every thread QEMU names for a vCPU (QMP <c>query-cpus-fast</c>) is a thread of the recorded QEMU; QEMU's
    /// vCPU threads (named "CPU n/TCG" with debug-threads) run only on <paramref name="cpus"/>; and one online vCPU is
    /// pinned alone to each of them, the boot vCPU among them (parked vCPUs sleep and may run on any of them).
    /// </summary>
    private static Dictionary<int, int> AssertPinned(int qemu, string dir, CpuSet cpus)
    {
        IReadOnlyList<QmpCpu> vcpus;
        using (var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10)))
        {
            vcpus = qmp.QueryCpus();
        }

        Assert.All(vcpus, v => Assert.True(Directory.Exists($"/proc/{qemu}/task/{v.ThreadId}"), $"vCPU {v.CpuIndex}'s thread {v.ThreadId} is not a thread of QEMU {qemu}"));
        var affinities = Directory.GetDirectories($"/proc/{qemu}/task")
            .Where(t => File.ReadAllText(Path.Combine(t, "comm")).StartsWith("CPU ", StringComparison.Ordinal))
            .Select(t => Affinity.Get(int.Parse(Path.GetFileName(t), CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(affinities.Count >= cpus.Count, $"{affinities.Count} vCPU threads for {cpus.Count} CPUs");
        Assert.All(affinities, a => Assert.True(a.IsSubsetOf(cpus), $"a vCPU thread may run on {a}, beyond {cpus}"));
        Assert.Equal(cpus, CpuSet.Of(affinities.Where(a => a.Count == 1).Select(a => a.First())));
        var pins = vcpus.Select(v => (v.CpuIndex, Affinity: Affinity.Get(v.ThreadId))).Where(v => v.Affinity.Count == 1).ToDictionary(v => v.CpuIndex, v => v.Affinity.First());
        Assert.True(pins.ContainsKey(0), "the boot vCPU is pinned alone");
        return pins;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting until {what}");
            Thread.Sleep(200);
        }
    }
}
