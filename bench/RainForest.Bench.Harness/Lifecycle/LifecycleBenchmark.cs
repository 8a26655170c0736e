using System.Diagnostics;
using RainForest.Bench.Harness.Systems;
using RainForest.Core;
using RainForest.Core.Model;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Supervisor;

namespace RainForest.Bench.Harness.Lifecycle;

/// <summary>
/// <c>rfm bench lifecycle</c>: how fast subOSes are created, destroyed and resized (paper Table 4),
/// measured to the moment the change is in effect, not to the moment a file was written.
/// </summary>
public sealed class LifecycleBenchmark
{
    /// <summary>Where the page-cache file of the in-use shrink lies: on the host's disk, and visible inside a subOS (its /tmp is private).</summary>
    private const string CacheDirectory = "/var/tmp";

    private readonly RainForestSupervisor _supervisor;
    private readonly CgroupDriver _kernel;
    private readonly int _repetitions;
    private readonly Action<string, double> _progress;

    /// <summary>Creates the benchmark over an initialised supervisor.</summary>
    /// <param name="supervisor">The supervisor; it needs one free CPU (two for the CPU measurements) and 1.5G free.</param>
    /// <param name="repetitions">Repetitions of each operation.</param>
    /// <param name="progress">Called with the phase and its completed fraction.</param>
    public LifecycleBenchmark(RainForestSupervisor supervisor, int repetitions, Action<string, double> progress)
    {
        _supervisor = supervisor;
        _kernel = SupervisorQueries.KernelView(supervisor);
        _repetitions = repetitions;
        _progress = progress;
    }

    /// <summary>Runs every measurement; the subOSes it makes are named bench-lc-* and destroyed again.</summary>
    public IReadOnlyList<LifecycleResult> Run()
    {
        var results = new List<LifecycleResult>();

        // Unprivileged subOSes (the default) and --privileged ones alternate in one run, so that the
        // difference of their medians is the cost of the Security Guard on this machine, on this load.
        var guarded = new Samples();
        var privileged = new Samples();
        for (var i = 0; i < _repetitions; i++)
        {
            foreach (var isPrivileged in i % 2 == 0 ? (bool[])[false, true] : [true, false])
            {
                CreateExecDestroy(isPrivileged ? privileged : guarded, isPrivileged);
            }

            _progress("create, exec, destroy", (i + 1.0) / _repetitions);
        }

        results.Add(Summarise("create (until the agent serves)", guarded.Create, 6100, 2100, 25,
            "Create() returning: cgroups, namespaces, user namespace, idmapped overlay root, locked mounts, agent ready"));
        results.Add(Summarise("create --privileged", privileged.Create, null, null, null, "the same without the user namespace, idmapped root and locked mount namespace"));
        results.Add(Summarise("first exec of true", guarded.Exec, null, null, null, "connect, nsenter + setpriv + seccomp, spawn, exit code back"));
        results.Add(Summarise("first exec of true --privileged", privileged.Exec, null, null, null, "connect, spawn, exit code back"));
        results.Add(Summarise("destroy", guarded.Destroy, 0, null, 25, "until every process is gone and the cgroups are removed"));
        results.Add(Summarise("destroy --privileged", privileged.Destroy, null, null, null, "the same for a --privileged subOS"));
        results.AddRange(MeasureCpuChanges());
        results.AddRange(MeasureMemoryChanges());
        results.Add(MeasureShrinkInUse());
        return results;
    }

    private void CreateExecDestroy(Samples samples, bool privileged)
    {
        const string Name = "bench-lc-life";
        var clock = Stopwatch.StartNew();
        _supervisor.Create(new CreateOptions { Name = Name, Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("128M"), Privileged = privileged });
        samples.Create.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        var code = ExecClient.Run(_supervisor.AgentSocket(Name), ["true"]);
        samples.Exec.Add(clock.Elapsed.TotalMilliseconds);
        if (code != 0)
        {
            throw RfException.Failed($"'true' inside the benchmark subOS exited {code}");
        }

        clock.Restart();
        _supervisor.Destroy(Name);
        samples.Destroy.Add(clock.Elapsed.TotalMilliseconds);
    }

    private IEnumerable<LifecycleResult> MeasureCpuChanges()
    {
        var free = SupervisorQueries.FreeCpus(_supervisor);
        if (free.Count < 2)
        {
            var note = $"skipped: needs 2 free CPUs, {free.Count} free (rfm init --reserve-cpus \"\" on a 2-CPU machine)";
            return [new LifecycleResult("cpu add", 0, 0, 0, 0, 66, 2, 5, note), new LifecycleResult("cpu remove", 0, 0, 0, 0, 54, 2, 5, note)];
        }

        var all = free.Take(2);
        _supervisor.Create(new CreateOptions { Name = "bench-lc-cpu", Cpus = CpuRequest.Parse(all.ToString(), false), Memory = ByteSize.Parse("128M") });
        var spinners = new List<Task>();
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        try
        {
            // Two busy programs, one per CPU, so that taking a CPU away forces the kernel to move one.
            for (var i = 0; i < 2; i++)
            {
                spinners.Add(Task.Run(() => ExecClient.Run(_supervisor.AgentSocket("bench-lc-cpu"), ["sh", "-c", "while :; do :; done"], fds: [devNull, devNull, devNull])));
            }

            var threads = WaitForSpinners("bench-lc-cpu");
            var add = new List<double>();
            var remove = new List<double>();
            var one = CpuSet.Of(all.First);
            for (var i = 0; i < _repetitions; i++)
            {
                var clock = Stopwatch.StartNew();
                _supervisor.Resize("bench-lc-cpu", CpuRequest.Parse(one.ToString() + "-" + one.ToString(), true), null);
                WaitUntil(() => threads.All(t => InSet(t, one)));
                remove.Add(clock.Elapsed.TotalMilliseconds);

                clock.Restart();
                _supervisor.Resize("bench-lc-cpu", CpuRequest.Parse("+1", true), null);
                WaitUntil(() => threads.All(t => Affinity.Get(t).Equals(all)));
                add.Add(clock.Elapsed.TotalMilliseconds);
                _progress("cpu remove, cpu add", (i + 1.0) / _repetitions);
            }

            return
            [
                Summarise("cpu add", add, 66, 2, 5, "resize +1 until the running threads may run on the new CPU"),
                Summarise("cpu remove", remove, 54, 2, 5, "resize until every busy thread has left the removed CPU"),
            ];
        }
        finally
        {
            _supervisor.Destroy("bench-lc-cpu");

            // Destroy ends the busy programs; their exec calls fail by design.
            Task.WhenAll(spinners).ContinueWith(static _ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(10));
        }
    }

    private IEnumerable<LifecycleResult> MeasureMemoryChanges()
    {
        _supervisor.Create(new CreateOptions { Name = "bench-lc-mem", Cpus = CpuRequest.Parse("1", false), Memory = ByteSize.Parse("512M") });
        try
        {
            var grow = new List<double>();
            var shrink = new List<double>();
            var small = ByteSize.Parse("512M");
            var large = ByteSize.Parse("1G");
            for (var i = 0; i < _repetitions; i++)
            {
                var clock = Stopwatch.StartNew();
                _supervisor.Resize("bench-lc-mem", null, large);
                WaitUntil(() => _kernel.Read("bench-lc-mem").MemoryLimit == large);
                grow.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                _supervisor.Resize("bench-lc-mem", null, small);
                WaitUntil(() => _kernel.Read("bench-lc-mem").MemoryLimit == small);
                shrink.Add(clock.Elapsed.TotalMilliseconds);
                _progress("memory grow, memory shrink", (i + 1.0) / _repetitions);
            }

            return
            [
                Summarise("memory grow 512M", grow, 20, 2, 5, "resize until the kernel's limit reads the new size"),
                Summarise("memory shrink 512M", shrink, 60, 2, 5, "resize until the kernel's limit reads the new size"),
            ];
        }
        finally
        {
            _supervisor.Destroy("bench-lc-mem");
        }
    }

    /// <summary>
    /// Shrinks a 1G subOS to 512M while a program's page cache holds about 700M of it (the paper offlined 512 MB in
    /// 60 ms): the resize returns once the kernel has reclaimed what no longer fits and the limit reads 512M.
    /// </summary>
    /// <remarks>
    /// Page cache, because it is what a shrink can take without killing: anonymous and tmpfs memory need swap, which
    /// these machines lack. The file lies on the host's disk (<see cref="CacheDirectory"/>, which a subOS sees through
    /// its root) and is written with O_DIRECT, so none of it is cached, and charged to another group, when the program
    /// inside reads it: every page the read brings in is the subOS's. Each repetition grows the subOS back to 1G and
    /// reads the file again, which brings back from disk what the previous shrink reclaimed.
    /// </remarks>
    private LifecycleResult MeasureShrinkInUse()
    {
        const string Name = "bench-lc-busy";
        const string Operation = "memory shrink 1G to 512M, 700M in use";
        var small = ByteSize.Parse("512M");
        var large = ByteSize.Parse("1G");
        var cached = ByteSize.Parse("700M");
        LifecycleResult Skipped(string why) => new(Operation, 0, 0, 0, 0, 60, null, null, "skipped: " + why);

        var type = MountTable.Read(Environment.ProcessId).TypeCovering(CacheDirectory);
        if (type is null or "tmpfs" or "ramfs")
        {
            return Skipped($"{CacheDirectory} is on {type ?? "no file system"}, whose pages cannot be reclaimed without swap");
        }

        var file = Path.Combine(CacheDirectory, $"rf-bench-lc-{Environment.ProcessId}.cache");
        try
        {
            if (WriteUncached(file, cached) is { } failure)
            {
                return Skipped(failure);
            }

            _supervisor.Create(new CreateOptions { Name = Name, Cpus = CpuRequest.Parse("1", false), Memory = large });
            using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
            var shrink = new List<double>();
            var inUse = new List<double>();
            for (var i = 0; i < _repetitions; i++)
            {
                if (i > 0)
                {
                    _supervisor.Resize(Name, null, large);
                }

                var code = ExecClient.Run(_supervisor.AgentSocket(Name), ["cat", file], fds: [devNull, devNull, devNull]);
                if (code != 0)
                {
                    throw RfException.Failed($"'cat {file}' inside the benchmark subOS exited {code}");
                }

                var used = _kernel.Read(Name).MemoryUsage;
                if (used.Bytes < cached.Bytes * 9 / 10)
                {
                    return Skipped($"reading {cached} inside left only {used} in use (is {CacheDirectory} cached elsewhere?)");
                }

                inUse.Add(used.Bytes / (double)ByteSize.MiB);
                var clock = Stopwatch.StartNew();
                _supervisor.Resize(Name, null, small);
                WaitUntil(() => _kernel.Read(Name).MemoryLimit == small);
                shrink.Add(clock.Elapsed.TotalMilliseconds);
                _progress("memory shrink with 700M in use", (i + 1.0) / _repetitions);
            }

            var median = inUse.Order().ElementAt(inUse.Count / 2);
            return Summarise(Operation, shrink, 60, null, null,
                $"resize while a file read inside holds {median:0}M of page cache (median, before each shrink), until the kernel has reclaimed and the limit reads 512M");
        }
        catch (RfException e)
        {
            return Skipped(e.Message);
        }
        finally
        {
            if (SupervisorQueries.Exists(_supervisor, Name))
            {
                _supervisor.Destroy(Name);
            }

            File.Delete(file);
        }
    }

    /// <summary>Writes <paramref name="size"/> of zeros with O_DIRECT (<c>dd oflag=direct</c>), so that no page of it is cached; returns why not, or null.</summary>
    private static string? WriteUncached(string file, ByteSize size)
    {
        var start = new ProcessStartInfo("dd", [$"if=/dev/zero", $"of={file}", "bs=1M", $"count={size.Bytes / ByteSize.MiB}", "oflag=direct", "status=none"])
        {
            RedirectStandardError = true,
        };
        using var dd = Process.Start(start) ?? throw RfException.Failed("cannot start dd");
        var error = dd.StandardError.ReadToEnd();
        dd.WaitForExit();
        return dd.ExitCode == 0 ? null : $"dd could not write {file} with O_DIRECT: {error.Trim()}";
    }

    private List<int> WaitForSpinners(string name)
    {
        var agent = _supervisor.Show(name).Record;
        List<int> pids = [];
        WaitUntil(() =>
        {
            pids = [.. _kernel.Pids(name).Where(p => p != agent.AgentPid && p != agent.MonitorPid && IsShell(p))];
            return pids.Count >= 2;
        });
        return pids;
    }

    private static bool IsShell(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "sh";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool InSet(int pid, CpuSet cpus) => cpus.Contains(ProcessInfo.LastCpu(pid, pid)) && Affinity.Get(pid).IsSubsetOf(cpus);

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw RfException.Failed("the kernel did not apply the change within 10 s");
            }

            Thread.SpinWait(100);
        }
    }

    private static LifecycleResult Summarise(string operation, List<double> samples, double? paper, double? lxc, double? target, string note)
    {
        var sorted = samples.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new LifecycleResult(operation, sorted.Length, Percentile(0.5), Percentile(0.99), sorted.LastOrDefault(), paper, lxc, target, note);
    }
}
