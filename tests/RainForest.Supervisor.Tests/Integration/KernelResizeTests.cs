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
/// seconds here: vCPUs onlined and offlined three times over (parked: under TCG QEMU cannot plug a vCPU again after an
/// unplug, see <c>scripts/tcg-vcpu-replug</c>), seen by <c>nproc</c> inside and pinned one to a CPU on the host;
/// memory plugged and unplugged through virtio-mem, seen by <c>free -b</c> inside, the cgroup limit following; the
/// resizes the guest cannot take, refused in one line with nothing changed; QEMU alive with its heap intact
/// throughout, and nothing left after destroy.
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
        if (supervisor.Pool().FreeCpus.Count < 2)
        {
            Assert.Fail($"needs 2 free CPUs for a grow from 1 to 2; free: {supervisor.Pool().FreeCpus} (another test holds them: retry)");
        }

        var record = supervisor.Create(new CreateOptions
        {
            Name = Name,
            Cpus = CpuRequest.Parse("1", false),
            Memory = s_memory,
            Backend = SubOsBackendKind.Kernel,
            Guest = new GuestSpec { Accelerator = QemuAccelerator.Tcg },
        });
        var dir = _host.State.SubOsDirectory(Name);
        var timings = new StringBuilder();
        try
        {
            Assert.Equal(1, Nproc());
            var bootTotal = MemTotal();
            var qemu = record.AgentPid;
            var qemuStart = ProcessInfo.StartTime(qemu);

            // Under TCG the guest boots every vCPU it has room for and parks those beyond its share.
            var state = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(dir, "guest.json")), GuestJsonContext.Default.GuestState)!;
            Assert.True(state.ParkedVcpus);
            Assert.Equal(2, state.MaxCpus);
            AssertPinned(qemu, dir, record.Cpus);

            // CPUs, three times over: 1 -> 2, a vCPU online inside, each online vCPU thread on its own CPU of the
            // subOS; then 2 -> 1, alternately keeping the boot vCPU's CPU (it keeps its pin) and the other one's (the
            // boot vCPU, which never goes, moves to it).
            for (var round = 0; round < 3; round++)
            {
                var clock = Stopwatch.StartNew();
                var grown = supervisor.Resize(Name, CpuRequest.Parse("2", true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu grow {clock.ElapsedMilliseconds} ms; ");
                Assert.Equal(2, grown.Cpus.Count);
                WaitUntil(() => Nproc() == 2, "nproc inside becomes 2");
                var pins = AssertPinned(qemu, dir, grown.Cpus);
                Assert.Equal(grown.Cpus, _host.Cgroups.Read(Name).Cpus);

                var keep = round % 2 == 0 ? pins[0] : grown.Cpus.Single(c => c != pins[0]);
                clock.Restart();
                var shrunk = supervisor.Resize(Name, CpuRequest.Parse(string.Create(CultureInfo.InvariantCulture, $"{keep}-{keep}"), true), null);
                timings.Append(CultureInfo.InvariantCulture, $"cpu shrink {clock.ElapsedMilliseconds} ms; ");
                Assert.Equal(CpuSet.Of([keep]), shrunk.Cpus);
                WaitUntil(() => Nproc() == 1, "nproc inside becomes 1");
                var left = AssertPinned(qemu, dir, shrunk.Cpus);
                Assert.Equal(keep, left[0]);
                Assert.Equal(shrunk.Cpus, _host.Cgroups.Read(Name).Cpus);
            }

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
            var before = _host.Find(Name)!;
            foreach (var (cpus, memory) in new (string?, string?)[] { (null, "128M"), (null, "385M"), ("3", null), (null, "1T") })
            {
                var e = Assert.Throws<RfException>(() => supervisor.Resize(Name, cpus is null ? null : CpuRequest.Parse(cpus, true), memory is null ? null : ByteSize.Parse(memory)));
                Assert.Equal(RfException.InvalidInputExitCode, e.ExitCode);
                Assert.DoesNotContain('\n', e.Message);
                Assert.Equal(before, _host.Find(Name));
                Assert.Equal(s_memory + KernelBackend.Overhead, _host.Cgroups.Read(Name).MemoryLimit);
                Assert.Equal(before.Cpus, _host.Cgroups.Read(Name).Cpus);
            }

            Assert.Equal(1, Nproc());
            Assert.Equal(afterShrink, MemTotal());

            // The journal records each resize as for cells.
            var resizes = supervisor.Journal(target: Name).Where(j => j.Operation == "resize").ToList();
            Assert.Equal(8, resizes.Count(j => j.Outcome == JournalOutcome.Ok));
            Assert.Equal(4, resizes.Count(j => j.Outcome == JournalOutcome.Rejected));
            Assert.Contains(resizes, j => j.After is { } after && after.Contains("memory=640M", StringComparison.Ordinal));

            // The same QEMU all along, and nothing in its log of a heap corruption or a failed assertion.
            Assert.True(ProcessInfo.IsAlive(qemu, qemuStart), "QEMU ended during the resizes");
            var log = File.Exists(Path.Combine(dir, "qemu.log")) ? File.ReadAllText(Path.Combine(dir, "qemu.log")) : string.Empty;
            Assert.DoesNotMatch("corrupt|double free|free\\(\\)|Aborted|assertion", log);
        }
        finally
        {
            Console.Error.WriteLine($"kernel subOS resize under TCG (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}): {timings}");
            foreach (var file in new[] { "console.log", "qemu.log" }.Select(f => Path.Combine(dir, f)).Where(File.Exists))
            {
                Console.Error.WriteLine(File.ReadAllText(file));
            }

            supervisor.Destroy(Name);
        }

        // Destroy leaves nothing: no QEMU, no cgroup, no directory, and the CPUs back in the pool.
        Assert.False(ProcessInfo.IsAlive(record.AgentPid, null));
        Assert.False(_host.Cgroups.Exists(Name));
        Assert.False(Directory.Exists(dir));
        Assert.Null(_host.Find(Name));
        Assert.True(supervisor.Pool().FreeCpus.Count >= 2);
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
