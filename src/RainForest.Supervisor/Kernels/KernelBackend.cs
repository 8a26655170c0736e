using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Linux;
using RainForest.Linux.Cgroups;
using RainForest.Linux.Guard;
using RainForest.Linux.Kernel;
using RainForest.Linux.Security;
using RainForest.Supervisor.Backends;
using RainForest.Supervisor.Cells;
using RainForest.Supervisor.Ledger;
using RainForest.Supervisor.Network;
using RainForest.Supervisor.Security;
using RainForest.Vm.Guests;
using RainForest.Vm.Initramfs;
using RainForest.Vm.Kernels;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// The kernel backend: a subOS with a Linux kernel of its own, a QEMU guest in the subOS's cgroups with one vCPU pinned
/// to each of its exclusive CPUs and its memory from a memfd bound to their NUMA node. rf-agent runs inside (started
/// by the guest's init) and serves <c>rfm exec</c> over a virtio-serial port that QEMU bridges to a Unix socket.
/// </summary>
/// <remarks>
/// QEMU runs detached (re-parented to init in a session of its own), so the guest outlives the rfm that made it; its
/// pid, start time and sockets live in the subOS's directory, where any later rfm finds them. It runs confined, as the
/// subOS's unprivileged host id under its own seccomp filter in a mount namespace of its own (<see cref="QemuLauncher"/>).
/// Its memory limit is the guest's memory plus <see cref="Overhead"/> for QEMU itself. With <c>--net loop</c> the guest
/// has a virtio-net NIC on a tap on the RFloop bridge (RFtun, <see cref="LoopNetwork.AttachTap"/>), a FICM channel
/// reaches the guest as an ivshmem-plain device (<see cref="AttachChannel"/>), and CPUs and memory change live
/// (<c>KernelBackend.Resize.cs</c>).
/// </remarks>
public sealed partial class KernelBackend : ISubOsBackend
{
    /// <summary>The least guest memory: the Debian kernel, its initramfs and the tmpfs overlay do not boot in less.</summary>
    public static readonly ByteSize MinimumMemory = ByteSize.Parse("256M");

    /// <summary>
    /// What QEMU needs beside the guest's memory, within the subOS's memory limit: TCG's translation cache (bounded to
    /// <see cref="TcgCacheMiB"/>), QEMU's own heap and threads, and the host page cache of what the guest reads over 9p
    /// (reclaimable).
    /// </summary>
    public static readonly ByteSize Overhead = ByteSize.Parse("256M");

    /// <summary>TCG's translation cache, in MiB: QEMU's default of up to 1 GiB would not fit <see cref="Overhead"/>.</summary>
    public const int TcgCacheMiB = 64;

    /// <summary>The virtio-serial port's name, which the guest's agent looks for.</summary>
    public const string AgentPort = "rainforest.agent";

    private const string StateFile = "guest.json";
    private const string HostsFileName = "hosts";
    private const int TapFd = 3;
    private const int FirstShareFd = 4;
    private const string ProbeFile = "kvm-probe";
    private const string GrantsFile = "share-grants";

    private readonly StateDirectory _state;
    private readonly CgroupDriver _cgroups;
    private readonly PrefixGuard _guard;

    /// <summary>Creates the backend over a state directory, the cgroup driver and the supervisor's guard.</summary>
    public KernelBackend(StateDirectory state, CgroupDriver cgroups, PrefixGuard guard)
    {
        _state = state;
        _cgroups = cgroups;
        _guard = guard;
    }

    /// <inheritdoc/>
    public SubOsBackendKind Kind => SubOsBackendKind.Kernel;

    /// <inheritdoc/>
    public ExecTransport Transport => ExecTransport.Streamed;

    /// <inheritdoc/>
    public ByteSize MemoryOverhead => Overhead;

    /// <summary>How long a guest may take from QEMU's start until its agent answers (TCG on a loaded machine is slow).</summary>
    public static TimeSpan ReadyTimeout { get; } = TimeSpan.FromSeconds(240);

    /// <summary>
    /// Checks a kernel subOS's request and resolves its kernel and accelerator: bad input is one line, exit code 2.
    /// </summary>
    public CreateOptions Check(CreateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Nics.Count > 0)
        {
            throw RfException.Invalid("--nic is not built for --backend kernel: a host interface moves into a network namespace, which a guest kernel does not share (that needs PCI pass-through, VFIO); use --net loop");
        }

        if (options.Privileged)
        {
            throw RfException.Invalid("--privileged has no meaning for --backend kernel: root inside is the guest kernel's root");
        }

        if (options.Memory < MinimumMemory)
        {
            throw RfException.Invalid($"--memory {options.Memory}: a kernel subOS needs at least {MinimumMemory} (its guest kernel, initramfs and overlay)");
        }

        if (options.Memory.Bytes % MemoryBlock.Bytes != 0)
        {
            throw RfException.Invalid($"--memory {options.Memory}: a kernel subOS's memory comes in blocks of {MemoryBlock}");
        }

        if (SystemTools.Find("qemu-system-x86_64") is null)
        {
            throw RfException.Invalid("qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)");
        }

        StaticBusyBox.Locate();
        var asked = options.Guest ?? new GuestSpec();
        var (vmlinuz, release, modules) = ResolveKernel(asked.KernelPath);
        var accelerator = asked.Accelerator switch
        {
            QemuAccelerator.Tcg => QemuAccelerator.Tcg,
            QemuAccelerator.Kvm => KvmProblem(vmlinuz) is { } problem ? throw RfException.Invalid($"--accel kvm: KVM cannot run a guest on this host ({problem})") : QemuAccelerator.Kvm,
            _ => KvmProblem(vmlinuz) is null ? QemuAccelerator.Kvm : QemuAccelerator.Tcg,
        };
        return options with { Guest = asked with { Accelerator = accelerator, KernelPath = vmlinuz, Release = release, ModulesDirectory = modules } };
    }

    /// <summary>Boots the guest and returns once its agent answers; on failure everything made is removed again.</summary>
    public AgentProcesses Start(SubOsRecord record, MachineRecord machine, CpuSet parentCpus)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(machine);
        var guest = record.Guest is { Accelerator: { } accelerator, KernelPath: { } vmlinuz, Release: { } release, ModulesDirectory: { } modules }
            ? (accelerator, vmlinuz, release, modules)
            : throw RfException.Failed($"subOS '{record.Name}': the ledger records no guest kernel");
        var agent = CellBackend.AgentPath;
        var dir = _state.SubOsDirectory(record.Name);
        var trace = new PhaseTrace("start " + record.Name);
        var shared = new List<SafeHandle>();
        try
        {
            if (Directory.Exists(dir))
            {
                RevokeShares(dir);
                Directory.Delete(_guard.CheckInside(dir), recursive: true);
            }

            Directory.CreateDirectory(Path.Combine(dir, "desc", "bin"));

            // RFfuse: each shared directory opened beneath its source's root now, handed to QEMU as a descriptor.
            foreach (var share in record.Guest?.Shares ?? [])
            {
                shared.Add(OpenShare(share));
                if (!share.ReadOnly)
                {
                    GrantShare(dir, share, shared[^1], checked((uint)record.IdBase));
                }
            }

            // Where the guest's agent links its channel devices (a tmpfs it mounts over this empty directory).
            Directory.CreateDirectory(Path.Combine(dir, "desc", "channels"));

            CellBackend.WriteDescription(dir, record, machine);
            if (record.Address is not null)
            {
                // Names follow once the supervisor has the member list (WriteHosts); until then the guest knows itself.
                File.WriteAllText(Path.Combine(dir, "desc", HostsFileName), LoopNetwork.HostsFile(record.Name, record.Address, [(record.Name, record.Address)]));
            }

            var initrd = Path.Combine(dir, "initrd.gz");
            var layout = Layout(record, machine, parentCpus, MemoryDeviceOf(ModuleDependencies.Load(guest.modules)), guest.accelerator,
                tcgUnplugs: guest.accelerator == QemuAccelerator.Tcg && QemuVersion.Probe() is { TcgUnplugKeepsHeap: true }, park: ParkTcgVcpus);
            var image = new AgentGuestImage
            {
                ExtraModules = layout.MemoryDevice switch { GuestMemoryDevice.VirtioMem => ["virtio_mem"], GuestMemoryDevice.Balloon => ["virtio_balloon"], _ => [] },
                OnlineHotplugged = !layout.ParkedVcpus,
                ControlPort = HasControlPort(layout) ? ControlPort : null,
                Release = guest.release,
                ModulesDirectory = guest.modules,
                Root = new NinePShare(SharedRootScripts.RootTag, record.RootFs),
                Mounts =
                [
                    // Coherent: the supervisor rewrites subos.json and the hosts file while the guest runs.
                    new GuestMount(new NinePShare("rfdesc", Path.Combine(dir, "desc"), Coherent: true), "/run/rainforest"),
                    new GuestMount(new NinePShare("rfbin", Path.GetDirectoryName(agent)!), CellBackend.ToolsInside),
                    .. (record.Guest?.Shares ?? []).Select((share, i) => new GuestMount(
                        new NinePShare(string.Create(CultureInfo.InvariantCulture, $"rfshare{i}"), string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{FirstShareFd + i}"), share.ReadOnly, Coherent: true),
                        share.MountPoint)),
                ],

                // The host's state (this ledger among it) is not the guest's to read.
                EmptyDirectories = record.RootFs == "/" ? [_state.Path] : [],
                Hostname = record.Name,
                Address = record.Address is null ? null : record.Address + "/24",
                HostsFile = record.Address is null ? null : "/run/rainforest/" + HostsFileName,
                Program = [$"{CellBackend.ToolsInside}/{Path.GetFileName(agent)}", "guest", record.Name, AgentPort],
            };
            image.WriteInitramfs(initrd);
            trace.Mark("initramfs");

            _cgroups.EnsureParent(parentCpus, CellBackend.AllNodes(machine));
            _cgroups.Create(record.Name, record.Cpus, record.Mems.ToString(), record.Memory + Overhead);
            if (guest.accelerator == QemuAccelerator.Kvm)
            {
                _cgroups.AllowDevice(record.Name, DevicePolicy.Kvm);
            }
            if (record.PidsMax > 0)
            {
                _cgroups.SetPids(record.Name, record.PidsMax);
            }

            trace.Mark("cgroups");
            var confinement = ConfinementOf(record, guest.accelerator, dir, [.. image.Shares.Select(s => s.HostPath), guest.vmlinuz]);
            QemuLauncher.PrepareDirectory(dir, Path.Combine(dir, "console.log"), confinement);
            var backing = GuestMemoryBacking.Choose(HugePagePool.Read(KernelFiles.Host, record.Mems), layout.BaseMemoryBytes,
                layout.MemoryDevice == GuestMemoryDevice.VirtioMem ? layout.MemoryBytes - layout.BaseMemoryBytes : null, MemoryBlock);
            var options = QemuOptionsFor(record, guest.accelerator, QemuLauncher.Readable(guest.vmlinuz, dir, confinement), initrd, image.Shares, dir, layout, backing, ChannelDevices(record.Name));

            // RFtun: the tap joins the bridge (filtered) before QEMU starts, and QEMU gets its descriptor as fd 3.
            using var tap = record.Address is { } address ? new LoopNetwork(_guard).AttachTap(record.Name, address) : null;
            if (tap is not null)
            {
                trace.Mark("tap");
            }

            var fds = new Dictionary<int, SafeHandle>();
            if (tap is not null)
            {
                fds[TapFd] = tap;
            }

            for (var i = 0; i < shared.Count; i++)
            {
                fds[FirstShareFd + i] = shared[i];
            }

            var pid = QemuLauncher.Launch(record.Name, dir, _cgroups.ProcsFiles(record.Name), QemuCommandLine.Build(options), confinement, fds);
            var start = ProcessInfo.StartTime(pid) ?? throw RfException.Failed($"subOS '{record.Name}': QEMU exited right after start (see {dir}/qemu.log)");
            WriteState(dir, layout with { Pid = pid, Start = start });
            trace.Mark("qemu");
            if (layout.ParkedVcpus)
            {
                PinBooted(dir, pid, record.Cpus);
            }
            else
            {
                PinVcpus(dir, pid, record.Cpus);
            }

            trace.Mark("pinned");
            WaitForAgent(record.Name, dir, pid, start);
            trace.Mark("agent ready");
            return new AgentProcesses(pid, start, 0);
        }
        catch
        {
            Stop(record.Name, 0);
            throw;
        }
        finally
        {
            // QEMU holds its own copies now.
            shared.ForEach(h => h.Dispose());
        }
    }

    /// <summary>
    /// Ends the guest (QMP <c>quit</c>, then SIGKILL of every task left in the subOS's cgroups, which the guard proves
    /// lie under the prefix), removes its cgroups and its directory; idempotent.
    /// </summary>
    public void Stop(string name, int monitorPid)
    {
        PrefixGuard.CheckComponent(name);
        var dir = _guard.CheckInside(_state.SubOsDirectory(name));
        if (ReadState(dir) is { } state && ProcessInfo.IsAlive(state.Pid, state.Start))
        {
            var qmp = Path.Combine(dir, "qmp.sock");
            try
            {
                using var client = QmpClient.Connect(qmp, TimeSpan.FromSeconds(2));
                client.Quit();
            }
            catch (RfException)
            {
                // A hung QEMU does not answer: the cgroup's kill below ends it.
            }

            var clock = Stopwatch.StartNew();
            while (ProcessInfo.IsAlive(state.Pid, state.Start) && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                Thread.Sleep(20);
            }
        }

        // QEMU runs in the subOS's groups: removing them kills what is left of it, the groups proven under the prefix.
        _cgroups.Remove(name, TimeSpan.FromSeconds(10));
        if (monitorPid > 0)
        {
            ProcessInfo.TryReap(monitorPid);
        }

        if (ReadState(dir) is { } left && ProcessInfo.IsAlive(left.Pid, left.Start))
        {
            // Outside its groups (moved by someone else): only the very process recorded, checked by its command line.
            _guard.CheckProcess(left.Pid, "qemu-system-x86_64", Path.Combine(dir, "initrd.gz"));
            ProcessInfo.Kill(left.Pid);
        }

        RevokeShares(dir);

        // The tap ends with QEMU's descriptor; one left by a QEMU that could not be ended, or killed mid-way, goes here.
        var loop = new LoopNetwork(_guard);
        if (loop.Exists)
        {
            loop.RemoveLink(LoopNetwork.TapLink(name));
        }

        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <inheritdoc/>
    public bool MapsChannelsAsDevices => true;

    /// <summary>
    /// Hot-plugs the channel into the running guest as an ivshmem-plain device (QMP <c>object-add</c>, <c>device_add</c>);
    /// the guest's agent finds it by the label in its header and links it at /run/rainforest/channels/NAME. A guest
    /// that is not running gets it when it boots (<see cref="Start"/> reads the member links).
    /// </summary>
    public void AttachChannel(string name, string channel, string file)
    {
        var dir = _state.SubOsDirectory(PrefixGuard.CheckComponent(name));
        if (ReadState(dir) is not { } state || !ProcessInfo.IsAlive(state.Pid, state.Start))
        {
            return;
        }

        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        Device(channel, file).HotPlug(qmp);
    }

    /// <summary>
    /// Unplugs the channel's device (QMP <c>device_del</c>, then <c>object-del</c> once the guest has ejected it); a
    /// guest that keeps it for <see cref="UnplugTimeout"/> keeps the mapping until it ends. Nothing to do when the
    /// guest is not running.
    /// </summary>
    public void DetachChannel(string name, string channel)
    {
        var dir = _state.SubOsDirectory(PrefixGuard.CheckComponent(name));
        if (ReadState(dir) is not { } state || !ProcessInfo.IsAlive(state.Pid, state.Start))
        {
            return;
        }

        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        if (!IvshmemDevice.Unplug(qmp, DeviceId(channel), UnplugTimeout))
        {
            Console.Error.WriteLine($"rfm: warning: subOS '{name}' did not eject channel '{channel}' within {UnplugTimeout.TotalSeconds:0} s; its QEMU keeps the memory until the guest ends");
        }
    }

    /// <summary>How long a channel's unplug waits for the guest to eject the device (ACPI, slow under TCG).</summary>
    public static TimeSpan UnplugTimeout { get; } = TimeSpan.FromSeconds(15);

    /// <summary>Removes the prefix groups once they hold no subOS (shared with the cell backend).</summary>
    public void ReleaseShared() => _cgroups.RemoveParentIfEmpty();

    /// <inheritdoc/>
    public void ApplyPids(string name, long max) => _cgroups.SetPids(name, max);

    /// <summary>Rewrites <c>subos.json</c>, which the guest sees read-only at /run/rainforest over 9p.</summary>
    public void WriteDescription(SubOsRecord record, MachineRecord machine) => CellBackend.WriteDescription(_state.SubOsDirectory(record.Name), record, machine);

    /// <summary>Rewrites the hosts file the guest binds on <c>/etc/hosts</c> (in its description share), in place.</summary>
    public void WriteHosts(string name, string contents)
    {
        var file = Path.Combine(_state.SubOsDirectory(name), "desc", HostsFileName);
        if (File.Exists(file))
        {
            File.WriteAllText(file, contents);
        }
    }

    /// <summary>True while the guest's QEMU runs (the same process that started, not a reuse of its pid).</summary>
    public bool IsAlive(SubOsRecord record) => ProcessInfo.IsAlive(record.AgentPid, record.AgentStart);

    /// <summary>QEMU's Unix socket for the guest agent's virtio-serial port.</summary>
    public string ExecEndpoint(string name) => Path.Combine(_state.SubOsDirectory(name), "agent.sock");

    /// <summary>
    /// What the subOS's cgroups hold, with the memory limit told as the guest's size (the limit less
    /// <see cref="Overhead"/>), which is what the ledger records.
    /// </summary>
    public SubOsObservation? Observe(string name)
    {
        if (!_cgroups.Exists(name))
        {
            return null;
        }

        var kernel = _cgroups.Read(name);
        var limit = kernel.MemoryLimit is { } l ? new ByteSize(Math.Max(0, l.Bytes - Overhead.Bytes)) : (ByteSize?)null;
        return new SubOsObservation(kernel.Cpus, limit, kernel.MemoryUsage, kernel.Pids, _cgroups.ReadPidsLimit(name))
        {
            Partition = kernel.Partition,
            Vcpus = ReadState(_state.SubOsDirectory(name)) is { } state ? GuestVcpuChange.Of(state) : null,
        };
    }

    /// <summary>True when the subOS's cgroups or its directory exist.</summary>
    public bool HasRemains(string name) => _cgroups.Exists(name) || Directory.Exists(_state.SubOsDirectory(name));

    /// <summary>
    /// The subOS directories that record a guest: the cell backend already sweeps every group under the prefix, which
    /// kills an orphaned QEMU; this lets reconcile end one whose groups are gone.
    /// </summary>
    public IReadOnlyList<string> Instances() => Directory.Exists(_state.SubOsRoot)
        ? [.. Directory.EnumerateDirectories(_state.SubOsRoot).Where(d => File.Exists(Path.Combine(d, StateFile))).Select(d => Path.GetFileName(d)!)]
        : [];

    /// <summary>Checks from the host what confines the guest's QEMU (<see cref="GuestAudit"/>).</summary>
    public AuditReport Audit(SubOsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var dir = _state.SubOsDirectory(record.Name);
        if (ReadState(dir) is not { } state || !ProcessInfo.IsAlive(state.Pid, state.Start))
        {
            throw RfException.Failed($"subOS '{record.Name}': its QEMU is not running (rfm start {record.Name})");
        }

        return new GuestAudit(_cgroups, _state).Run(record, state.Pid, dir, ExecEndpoint(record.Name));
    }

    /// <summary>The QEMU id of a channel's device.</summary>
    public static string DeviceId(string channel) => "rfch-" + channel;

    private static IvshmemDevice Device(string channel, string file) => new(DeviceId(channel), file, new FileInfo(file).Length);

    /// <summary>The channels the subOS is a member of (its member links), as devices of its next boot.</summary>
    private IReadOnlyList<IvshmemDevice> ChannelDevices(string name)
    {
        var links = _state.ChannelLinkDirectory(PrefixGuard.CheckComponent(name));
        return Directory.Exists(links)
            ? [.. Directory.EnumerateFiles(links).Order(StringComparer.Ordinal).Select(f => Device(Path.GetFileName(f), f))]
            : [];
    }

    private static QemuOptions QemuOptionsFor(SubOsRecord record, QemuAccelerator accelerator, string vmlinuz, string initrd, IReadOnlyList<NinePShare> shares, string dir,
        GuestState layout, GuestMemoryBacking backing, IReadOnlyList<IvshmemDevice> channels)
    {
        return new QemuOptions
        {
            Accelerator = accelerator,
            TcgCacheMiB = accelerator == QemuAccelerator.Tcg ? TcgCacheMiB : null,
            Sandbox = QemuOptions.StrictSandbox,
            NinePSecurityModel = "none",
            Machine = "pc,memory-backend=rf-ram",
            Cpus = layout.ParkedVcpus ? layout.MaxCpus : record.Cpus.Count,
            MaxCpus = layout.ParkedVcpus ? null : layout.VcpuSlots > 0 ? layout.VcpuSlots : layout.MaxCpus,
            Memory = new ByteSize(layout.BaseMemoryBytes),
            MaxMemory = layout.MemoryDevice == GuestMemoryDevice.VirtioMem ? new ByteSize(layout.MaxMemoryBytes) : null,
            KernelPath = vmlinuz,
            InitrdPath = initrd,
            KernelArguments = $"{SharedRootGuest.BaseKernelArguments} {HotplugKernelArguments}{(layout.ParkedVcpus ? string.Create(CultureInfo.InvariantCulture, $" maxcpus={record.Cpus.Count}") : string.Empty)}",
            Shares = shares,
            SharedMemory = channels,
            ConsoleLogPath = Path.Combine(dir, "console.log"),
            ExtraArguments =
            [
                // Guest memory is a memfd bound to the CPUs' nodes, huge pages where the host has enough free there.
                "-object", backing.BootBackend("rf-ram", layout.BaseMemoryBytes, record.Mems),
                "-device", "virtio-serial-pci,id=rf-serial",

                // Both sockets are bound by rfm in the subOS's directory (agent.sock, qmp.sock) and handed over listening:
                // QEMU, unprivileged, may not create files there.
                "-chardev", string.Create(CultureInfo.InvariantCulture, $"socket,id=rf-agent,fd={QemuLauncher.AgentFd},server=on,wait=off"),
                "-device", $"virtserialport,bus=rf-serial.0,chardev=rf-agent,name={AgentPort}",
                "-chardev", string.Create(CultureInfo.InvariantCulture, $"socket,id=rf-qmp,fd={QemuLauncher.QmpFd},server=on,wait=off"),
                "-mon", "chardev=rf-qmp,mode=control",
                .. (record.Address is { } address
                    ? (string[])["-netdev", string.Create(CultureInfo.InvariantCulture, $"tap,id=rf-net,fd={TapFd}"), "-device", $"virtio-net-pci,netdev=rf-net,mac={LoopFilter.MacOf(address)}"]
                    : []),
                "-name", $"rf-{record.Name},debug-threads=on",
                .. HotplugDevices(layout, backing, record.Mems, dir),
            ],
        };
    }

    /// <summary>Pins vCPU i's thread to the i-th CPU of the subOS (QMP query-cpus-fast names the threads).</summary>
    private static void PinVcpus(string dir, int pid, CpuSet cpus)
    {
        using var qmp = QmpClient.Connect(Path.Combine(dir, "qmp.sock"), TimeSpan.FromSeconds(10));
        var vcpus = qmp.QueryCpus();
        var targets = cpus.ToList();
        if (vcpus.Count != targets.Count)
        {
            throw RfException.Failed($"QEMU reports {vcpus.Count} vCPUs for {targets.Count} CPUs");
        }

        for (var i = 0; i < vcpus.Count; i++)
        {
            // Only a thread of the QEMU this backend started.
            if (!Directory.Exists($"/proc/{pid}/task/{vcpus[i].ThreadId}"))
            {
                throw RfException.Failed($"vCPU {i}'s thread {vcpus[i].ThreadId} is not a thread of QEMU (pid {pid})");
            }

            Affinity.Set(vcpus[i].ThreadId, CpuSet.Of([targets[i]]));
        }
    }

    private static void WaitForAgent(string name, string dir, int pid, long start)
    {
        var clock = Stopwatch.StartNew();
        var socket = Path.Combine(dir, "agent.sock");
        while (clock.Elapsed < ReadyTimeout)
        {
            if (!ProcessInfo.IsAlive(pid, start))
            {
                throw RfException.Failed($"subOS '{name}': the guest ended while booting: {LastLine(Path.Combine(dir, "console.log")) ?? "no console output"}");
            }

            // One connection, kept until the agent answers: what is written before the guest opens its port waits in QEMU.
            if (StreamExecClient.Ping(socket, ReadyTimeout - clock.Elapsed, () => ProcessInfo.IsAlive(pid, start)))
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw RfException.Failed($"subOS '{name}': its agent did not answer within {ReadyTimeout.TotalSeconds:0} s (console: {LastLine(Path.Combine(dir, "console.log")) ?? "empty"})");
    }

    private (string Vmlinuz, string Release, string Modules) ResolveKernel(string? kernelPath)
    {
        var cache = new KernelCache();
        if (kernelPath is null)
        {
            var newest = cache.List().FirstOrDefault()
                ?? throw RfException.Invalid($"no guest kernel in {cache.Root}: run 'rfm kernel fetch' first (or give --kernel)");
            newest.Verify();
            return (newest.VmlinuzPath, newest.Release, newest.ModulesDirectory);
        }

        var full = Path.GetFullPath(kernelPath);
        if (!File.Exists(full))
        {
            throw RfException.Invalid($"--kernel {kernelPath}: no such file");
        }

        var release = KernelImage.ReleaseOf(full);

        // Modules beside the image (an unpacked package), in the cache, or the host's own for that release.
        var candidates = new[]
        {
            Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(full)!) ?? "/", "lib", "modules", release),
            cache.Find(release)?.ModulesDirectory,
            Path.Combine("/lib/modules", release),
        };
        var modules = candidates.FirstOrDefault(d => d is not null && File.Exists(Path.Combine(d, "modules.dep")))
            ?? throw RfException.Invalid($"--kernel {kernelPath}: no modules for {release} (beside it, in {cache.Root} or /lib/modules); the guest needs its 9p and virtio modules");
        return (full, release, modules!);
    }

    /// <summary>Null when KVM boots a guest kernel here, else why not; probed once per state directory and remembered in it.</summary>
    private string? KvmProblem(string vmlinuz)
    {
        var file = Path.Combine(_state.Path, ProbeFile);
        if (File.Exists(file))
        {
            var text = File.ReadAllText(file).Trim();
            return text == "ok" ? null : text;
        }

        var problem = KvmProbe.Run(vmlinuz);
        if (Directory.Exists(_state.Path))
        {
            File.WriteAllText(file, (problem ?? "ok") + "\n");
        }

        return problem;
    }

    /// <summary>
    /// QEMU's host identity and view for <paramref name="record"/>: its id base, the group of /dev/kvm under KVM, the
    /// state directory hidden but for the subOS's own, and the host's homes empty unless something QEMU must open lies
    /// in one (a checkout under /root, say).
    /// </summary>
    private QemuConfinement ConfinementOf(SubOsRecord record, QemuAccelerator accelerator, string dir, IReadOnlyList<string> needed)
    {
        if (record.IdBase <= 0)
        {
            throw RfException.Failed($"subOS '{record.Name}': the ledger records no host id range for its QEMU");
        }

        var groups = accelerator == QemuAccelerator.Kvm && FileTypes.GroupOf("/dev/kvm") is { } kvm and not 0 ? new[] { kvm } : [];
        var homes = GuardedPaths.HostHomes.Select(h => "/" + h)
            .Where(h => Directory.Exists(h) && !needed.Any(n => IsUnder(n, h))).ToList();
        // The subOS's channel links exist before QEMU starts, so that its view can hold them (a cell makes them at start too).
        var channels = _state.ChannelLinkDirectory(record.Name);
        _state.EnsureChannelRoot();
        Directory.CreateDirectory(_guard.CheckInside(channels));
        return new QemuConfinement(checked((uint)record.IdBase), groups, _state.Path, dir, homes, _state.ChannelRoot, channels);
    }

    private static bool IsUnder(string path, string dir) =>
        Path.GetFullPath(path) == dir || Path.GetFullPath(path).StartsWith(dir + "/", StringComparison.Ordinal);

    /// <summary>
    /// Lets QEMU, which runs as the subOS's own unprivileged id, write in a directory shared read-write: a named-user
    /// entry in the directory's access and default ACLs (what the source creates there later inherits it). Recorded in
    /// the subOS's directory first, so that a failed start and every stop take it back: the id may go to another subOS.
    /// </summary>
    private static void GrantShare(string dir, GuestShare share, SafeHandle handle, uint id)
    {
        File.AppendAllText(Path.Combine(dir, GrantsFile), string.Create(CultureInfo.InvariantCulture, $"{id}\t{share.SourceRoot}\t{share.Directory}\n"));
        var path = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{handle.DangerousGetHandle()}");
        try
        {
            PosixAcl.GrantUser(path, id);
        }
        catch (Interop.LinuxException e)
        {
            throw RfException.Failed($"share {share}: cannot let the guest's QEMU (host id {id}) write there: {e.Message}");
        }
    }

    /// <summary>Takes back what <see cref="GrantShare"/> gave, where the source's directory still exists.</summary>
    private static void RevokeShares(string dir)
    {
        var file = Path.Combine(dir, GrantsFile);
        if (!File.Exists(file))
        {
            return;
        }

        foreach (var line in File.ReadAllLines(file))
        {
            if (line.Split('\t') is not [var id, var root, var directory] || !uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                continue;
            }

            try
            {
                using var handle = DirectoryBeneath.Open(root, directory);
                PosixAcl.RevokeUser(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{handle.DangerousGetHandle()}"), uid);
            }
            catch (Interop.LinuxException)
            {
                // The source (or its directory) is gone, and the entry with it.
            }
        }

        File.Delete(file);
    }

    /// <summary>Opens a share's directory beneath its source's root, following no symbolic link (a swap since the check fails here).</summary>
    private static SafeHandle OpenShare(GuestShare share)
    {
        var root = share.SourceRoot ?? throw RfException.Failed($"share {share}: its source's root was not resolved");
        try
        {
            return DirectoryBeneath.Open(root, share.Directory);
        }
        catch (Interop.LinuxException e)
        {
            throw RfException.Failed($"share {share}: {share.Directory} is no longer a directory in '{share.Source}': {e.Message}");
        }
    }

    private static GuestState? ReadState(string dir)
    {
        var file = Path.Combine(dir, StateFile);
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllBytes(file), GuestJsonContext.Default.GuestState) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteState(string dir, GuestState state)
    {
        var temp = Path.Combine(dir, "." + StateFile + ".tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(state, GuestJsonContext.Default.GuestState));
        File.Move(temp, Path.Combine(dir, StateFile), overwrite: true);
    }

    /// <summary>The last line of a log that is not empty and not a comment; null when there is none.</summary>
    internal static string? LastLine(string file) =>
        File.Exists(file) ? File.ReadLines(file).Select(l => l.Trim()).LastOrDefault(l => l.Length > 0 && !l.StartsWith('#')) : null;
}
