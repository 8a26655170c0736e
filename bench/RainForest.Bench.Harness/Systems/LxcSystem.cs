using System.Globalization;
using System.Text;
using RainForest.Bench.Harness.Programs;
using RainForest.Core;
using RainForest.Linux.Cgroups;

namespace RainForest.Bench.Harness.Systems;

/// <summary>
/// LXC: application containers started with <c>lxc-execute</c> (lxc-init as pid 1), with no root file system of
/// their own (they see the host's /, as cells do), new pid, mount, uts, ipc, network (loopback only) and cgroup
/// namespaces, pinned to CPUs with the cpuset controller and limited with the memory controller. Programs run
/// inside through <c>lxc-attach</c>.
/// </summary>
/// <remarks>
/// The containers' cgroups live under <c>rf-lxc-RUN</c> (lxc.cgroup.dir.*), their lxcpath under /tmp: nothing
/// shares a name with another LXC installation, and disposing removes all of it.
/// </remarks>
internal sealed class LxcSystem : BenchSystem
{
    private readonly string _path;
    private readonly string _scratchRoot;
    private readonly string _cgroupParent;
    private readonly CgroupMode _mode;
    private readonly TimeSpan _lifetime;
    private readonly CpuSet _partitionable;
    private CpuSet _free;

    /// <summary>Prepares the system; containers are started per instance.</summary>
    /// <param name="runId">The run's id, for names.</param>
    /// <param name="lifetime">The longest a container lives: it stops by itself then.</param>
    public LxcSystem(string runId, TimeSpan lifetime)
    {
        _path = Path.Combine(Path.GetTempPath(), $"rf-bench-{runId}-lxc");
        _scratchRoot = Path.Combine("/dev/shm", $"rf-bench-{runId}-lxc");
        _cgroupParent = $"rf-lxc-{runId}";
        _mode = CgroupLayout.Detect("/").Mode;
        _lifetime = lifetime;
        var online = HostCpus.Online();

        // The same CPUs the cells may use: all on two CPUs, else all but the supervisor's default reserve.
        _partitionable = online.Count <= 2 ? online : online.Except(Linux.Topology.TopologyReader.Read("/").FirstCorePerNode());
        _free = _partitionable;
        Directory.CreateDirectory(_path);
    }

    /// <summary>Whether LXC's tools are installed.</summary>
    public static bool IsInstalled => Tools.Executables.Find("lxc-execute") is not null && Tools.Executables.Find("lxc-attach") is not null;

    /// <inheritdoc />
    public override string Name => SystemNames.Lxc;

    /// <inheritdoc />
    public override string Description =>
        $"lxc: lxc-execute application containers (lxc-init as pid 1) with no rootfs of their own (they see the host's /, no copy-on-write), " +
        $"new pid, mount, uts, ipc, network (loopback only) and cgroup namespaces, pinned with {(_mode == CgroupMode.V2 ? "lxc.cgroup2" : "lxc.cgroup")}.cpuset.cpus to the CPUs the cells get, " +
        $"memory limited; programs enter through lxc-attach; cgroups under {_cgroupParent}.";

    /// <inheritdoc />
    public override int PartitionableCpus => _partitionable.Count;

    /// <inheritdoc />
    protected override BenchInstance Make(string name, int cpuCount, ByteSize memory)
    {
        if (cpuCount < 1 || cpuCount > _free.Count)
        {
            throw RfException.Failed($"lxc: {cpuCount} CPUs asked for container '{name}', {_free.Count} free");
        }

        var cpus = _free.Take(cpuCount);
        _free = _free.Except(cpus);
        var container = $"rf-{name}";
        var config = Path.Combine(_path, $"{container}.conf");
        File.WriteAllText(config, Config(container, cpus, memory));
        var scratch = Path.Combine(_scratchRoot, name);
        Directory.CreateDirectory(scratch);
        var instance = new LxcInstance(this, name, container, cpuCount, cpus, scratch);
        try
        {
            instance.Boot(config, _lifetime);
            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>lxcpath of the run.</summary>
    internal string LxcPath => _path;

    /// <summary>Gives the instance's CPUs back and removes its cgroups.</summary>
    internal void Release(string container, CpuSet cpus)
    {
        _free = _free.Union(cpus);
        CgroupCleanup.Remove($"{_cgroupParent}/{container}");
        CgroupCleanup.Remove($"{_cgroupParent}/{container}.monitor");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            var left = CgroupCleanup.Remove(_cgroupParent);
            foreach (var dir in new[] { _path, _scratchRoot })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }

            if (left.Count > 0)
            {
                throw RfException.Failed($"lxc: cgroups still hold tasks after the containers stopped: {string.Join(", ", left)}");
            }
        }
    }

    private string Config(string container, CpuSet cpus, ByteSize memory)
    {
        var text = new StringBuilder();
        void Set(string key, string value) => text.Append(key).Append(" = ").Append(value).Append('\n');
        Set("lxc.uts.name", container);

        // No interface but loopback, and nothing on the host's network changes.
        Set("lxc.net.0.type", "empty");
        Set("lxc.apparmor.profile", "unconfined");

        // No terminal: the harness's pipes are the programs' input and output.
        Set("lxc.console.path", "none");
        Set("lxc.tty.max", "0");
        Set("lxc.pty.max", "0");

        // Without a rootfs the host's /dev stays; a fresh /proc shows the container's own pid namespace.
        Set("lxc.autodev", "0");
        Set("lxc.mount.auto", "proc:rw");
        Set("lxc.cgroup.dir.container", $"{_cgroupParent}/{container}");
        Set("lxc.cgroup.dir.monitor", $"{_cgroupParent}/{container}.monitor");
        var prefix = _mode == CgroupMode.V2 ? "lxc.cgroup2" : "lxc.cgroup";
        Set($"{prefix}.cpuset.cpus", cpus.ToString());
        Set(_mode == CgroupMode.V2 ? "lxc.cgroup2.memory.max" : "lxc.cgroup.memory.limit_in_bytes", memory.Bytes.ToString(CultureInfo.InvariantCulture));
        Set("lxc.log.level", "WARN");
        return text.ToString();
    }
}
