using System.Diagnostics;
using System.Globalization;
using System.Text;
using RainForest.Bench.Harness.Systems;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Supervisor;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Kernels;
using RainForest.Supervisor.Ledger;
using RainForest.Vm.Qemu;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>
/// <c>rfm bench lifecycle --backend kernel</c>: create (until the guest's agent serves), destroy, and live CPU and
/// memory resize of kernel subOSes, each row marked with the accelerator (TCG or KVM) it ran under.
/// </summary>
/// <remarks>
/// A resize is timed to the moment <c>Resize</c> returns, which is when it is in effect on the host's side: the vCPU
/// plugged and its thread pinned (under TCG also online in the guest, which the resize waits for), or virtio-mem's
/// size at the request. The guest's own view (<c>nproc</c>, brought online by its uevent hook) follows; the time until
/// an exec inside sees it is in each row's note, and includes the exec itself, as does the path each round took
/// (plug or online, unplug or park).
/// </remarks>
public sealed class KernelLifecycleBenchmark
{
    private const string LifeName = "bench-lk-life";
    private const string ResizeName = "bench-lk-resize";
    private static readonly ByteSize s_small = ByteSize.Parse("384M");
    private static readonly ByteSize s_large = ByteSize.Parse("896M");

    private readonly RainForestSupervisor _supervisor;
    private readonly int _repetitions;
    private readonly Action<string, double> _progress;
    private string _system = SystemNames.Kernel;

    /// <summary>Creates the benchmark over an initialised supervisor (it needs 2 free CPUs for the CPU rows, 1 otherwise).</summary>
    /// <param name="supervisor">The supervisor.</param>
    /// <param name="repetitions">Repetitions of each operation (a TCG create takes seconds: few).</param>
    /// <param name="progress">Called with the phase and its completed fraction.</param>
    public KernelLifecycleBenchmark(RainForestSupervisor supervisor, int repetitions, Action<string, double> progress)
    {
        _supervisor = supervisor;
        _repetitions = repetitions;
        _progress = progress;
    }

    /// <summary>Runs every measurement; the subOSes it makes are named bench-lk-* and destroyed again.</summary>
    public IReadOnlyList<LifecycleResult> Run()
    {
        var create = new List<double>();
        var destroy = new List<double>();
        for (var i = 0; i < _repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            var record = Create(LifeName, "1", ByteSize.Parse("256M"));
            create.Add(clock.Elapsed.TotalMilliseconds);
            _system = SystemFor(record.Guest);
            clock.Restart();
            _supervisor.Destroy(LifeName);
            destroy.Add(clock.Elapsed.TotalMilliseconds);
            _progress("kernel create, destroy", (i + 1.0) / _repetitions);
        }

        List<LifecycleResult> results =
        [
            Summarise("create (until the agent serves)", create, 6100, 2100, _system == SystemNames.Kernel + " (KVM)" ? 300 : null,
                "Create() returning: initramfs, cgroups, QEMU started and its vCPU pinned, guest booted, rf-agent answering over virtio-serial"),
            Summarise("destroy", destroy, 0, null, null, "QMP quit, cgroups removed: no process, socket or file left"),
        ];
        results.AddRange(MeasureResizes());
        return results;
    }

    /// <summary>"kernel (TCG)" or "kernel (KVM)": the system name a row carries.</summary>
    public static string SystemFor(GuestSpec? guest) => guest?.Accelerator == QemuAccelerator.Kvm ? SystemNames.Kernel + " (KVM)" : SystemNames.Kernel + " (TCG)";

    private SubOsRecord Create(string name, string cpus, ByteSize memory) => _supervisor.Create(new CreateOptions
    {
        Name = name,
        Cpus = CpuRequest.Parse(cpus, false),
        Memory = memory,
        Backend = SubOsBackendKind.Kernel,
    });

    private IEnumerable<LifecycleResult> MeasureResizes()
    {
        var free = SupervisorQueries.FreeCpus(_supervisor);
        var cpuRows = free.Count >= 2;
        var record = Create(ResizeName, "1", s_small);
        _system = SystemFor(record.Guest);
        try
        {
            List<LifecycleResult> results = [];
            if (cpuRows)
            {
                var add = new List<double>();
                var remove = new List<double>();
                var addSeen = new List<double>();
                var removeSeen = new List<double>();
                var addPaths = new List<string>();
                var removePaths = new List<string>();
                for (var i = 0; i < _repetitions; i++)
                {
                    var present = PresentVcpus();
                    var clock = Stopwatch.StartNew();
                    _supervisor.Resize(ResizeName, CpuRequest.Parse("2", true), null);
                    add.Add(clock.Elapsed.TotalMilliseconds);
                    addPaths.Add(string.Create(CultureInfo.InvariantCulture, $"{(PresentVcpus() > present ? "plug" : "online")} {add[^1]:0}"));
                    WaitInside(() => Nproc() == 2);
                    addSeen.Add(clock.Elapsed.TotalMilliseconds);
                    present = PresentVcpus();
                    clock.Restart();
                    _supervisor.Resize(ResizeName, CpuRequest.Parse("1", true), null);
                    remove.Add(clock.Elapsed.TotalMilliseconds);
                    removePaths.Add(string.Create(CultureInfo.InvariantCulture, $"{(PresentVcpus() < present ? "unplug" : "park")} {remove[^1]:0}"));
                    WaitInside(() => Nproc() == 1);
                    removeSeen.Add(clock.Elapsed.TotalMilliseconds);
                    _progress("kernel cpu add, cpu remove", (i + 1.0) / _repetitions);
                }

                // Which path each round took: under TCG hot-plug while QEMU's vCPU thread budget lasts, parking past it
                // (at once for a shrink on a QEMU whose heap an unplug corrupts, 7.2).
                var kvm = _system.EndsWith("(KVM)", StringComparison.Ordinal);
                results.Add(Summarise("cpu add", add, 66, 2, kvm ? 70 : null,
                    "resize +1 until the vCPU is plugged (QMP device_add) or a parked one onlined (control port), online in the guest and its thread pinned"
                    + $"; rounds: {string.Join(", ", addPaths)} ms; nproc inside 2 after {Median(addSeen)} ms (median, with the exec)"));
                results.Add(Summarise("cpu remove", remove, 54, 2, kvm ? 70 : null,
                    "resize -1 until the guest has offlined and ejected the vCPU (QMP device_del) or offlined it, parked, its thread asleep"
                    + $"; rounds: {string.Join(", ", removePaths)} ms; nproc inside 1 after {Median(removeSeen)} ms"));
            }
            else
            {
                var note = $"skipped: needs 2 free CPUs, {free.Count} free (rfm init --reserve-cpus \"\" on a 2-CPU machine)";
                results.Add(new LifecycleResult("cpu add", 0, 0, 0, 0, 66, 2, null, note, _system));
                results.Add(new LifecycleResult("cpu remove", 0, 0, 0, 0, 54, 2, null, note, _system));
            }

            var grow = new List<double>();
            var shrink = new List<double>();
            for (var i = 0; i < _repetitions; i++)
            {
                var clock = Stopwatch.StartNew();
                _supervisor.Resize(ResizeName, null, s_large);
                grow.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                _supervisor.Resize(ResizeName, null, s_small);
                shrink.Add(clock.Elapsed.TotalMilliseconds);
                _progress("kernel memory grow, memory shrink", (i + 1.0) / _repetitions);
            }

            results.Add(Summarise("memory grow 512M", grow, 20, 2, null, "resize 384M to 896M until the guest's virtio-mem driver has plugged it (size = requested-size), cgroup limit raised first"));
            results.Add(Summarise("memory shrink 512M", shrink, 60, 2, null, "resize 896M to 384M until the guest has unplugged it, cgroup limit lowered after"));
            return results;
        }
        finally
        {
            _supervisor.Destroy(ResizeName);
        }
    }

    /// <summary>The vCPUs QEMU has now, online or parked (QMP <c>query-cpus-fast</c>, on the socket beside the agent's).</summary>
    private int PresentVcpus()
    {
        var dir = Path.GetDirectoryName(_supervisor.AgentEndpoint(ResizeName).Path)!;
        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        return qmp.QueryCpus().Count;
    }

    private int Nproc()
    {
        using var output = new MemoryStream();
        var code = StreamExecClient.Run(_supervisor.AgentEndpoint(ResizeName).Path, ["nproc"], stdin: Stream.Null, stdout: output, stderr: Stream.Null, tty: false);
        return code == 0 && int.TryParse(Encoding.UTF8.GetString(output.ToArray()).Trim(), CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    private static void WaitInside(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw RfException.Failed("the guest did not show the change within 60 s");
            }

            Thread.Sleep(10);
        }
    }

    private static string Median(List<double> samples) =>
        samples.Count == 0 ? "-" : samples.Order().ElementAt(samples.Count / 2).ToString("0", CultureInfo.InvariantCulture);

    private LifecycleResult Summarise(string operation, List<double> samples, double? paper, double? lxc, double? target, string note)
    {
        var sorted = samples.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LifecycleResult(operation, sorted.Length, Percentile(0.5), Percentile(0.99), sorted.LastOrDefault(), paper, lxc, target, note, _system);
    }
}
