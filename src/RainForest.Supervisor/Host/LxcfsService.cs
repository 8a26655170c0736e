using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using RainForest.Core;
using RainForest.Core.Agent;
using RainForest.Interop;
using RainForest.Linux;
using RainForest.Linux.Guard;

namespace RainForest.Supervisor.Host;

/// <summary>
/// The supervisor's lxcfs: one per prefix, mounted at <c>/run/PREFIX-lxcfs/mnt</c>, whose files each subOS sees
/// over its own /proc/cpuinfo, meminfo, stat, uptime, loadavg, diskstats, swaps and /sys/devices/system/cpu/online
/// (<see cref="LxcfsView"/>). Started at init and whenever a create needs it, checked and restarted by reconcile,
/// stopped by deinit.
/// </summary>
/// <remarks>
/// <para>
/// lxcfs runs detached, in a session of its own, so it outlives the rfm command that started it, as the subOSes do.
/// Options: <c>--enable-pidfd</c>, because subOSes come and go within milliseconds and lxcfs caches, per pid
/// namespace, the pid of its init: with pidfds a dead agent is recognised for certain instead of by a pid the
/// next subOS's agent may already hold. <c>-l</c> (lxcfs computes each reader's load average from the tasks of
/// its cgroup) only on cgroup v2: on v1 a subOS has no cpu controller group of its own, so lxcfs would count the
/// root group, the whole host, every 5 s, for the host's own figure. <c>--enable-cfs</c> is left off: it turns a
/// CFS quota into a CPU count, and RainForest gives exclusive cpusets (which lxcfs follows without it), never quotas.
/// </para>
/// <para>
/// Every kill, unmount and delete passes the supervisor's prefix guard: <c>/run/PREFIX-lxcfs</c> is one of its
/// roots, the mount point is proved without resolving its last component (a dead FUSE mount cannot be stat'ed),
/// and a pid is signalled only while it runs lxcfs with that mount point on its command line.
/// </para>
/// </remarks>
public sealed class LxcfsService
{
    /// <summary>Environment variable naming the lxcfs program (default: found in /usr/bin, /bin, /usr/local/bin, /usr/sbin, /sbin).</summary>
    public const string BinaryVariable = "RF_LXCFS";

    private static readonly string[] s_directories = ["/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin", "/sbin"];

    // lxcfs mounts within tens of milliseconds; a create waits this long for a broken one, then goes on without it.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_agentTimeout = TimeSpan.FromSeconds(10);

    // A read of lxcfs that takes longer means it hangs: every reader in a subOS would hang with it.
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(5);

    private readonly PrefixGuard _guard;
    private readonly string? _binary;
    private readonly bool _perSubOsLoadavg;
    private readonly TextWriter? _notes;

    /// <summary>Creates the service; nothing is started or checked yet.</summary>
    /// <param name="prefix">The supervisor's prefix, which names the directory.</param>
    /// <param name="guard">The supervisor's guard; <see cref="RootOf"/> must be one of its roots.</param>
    /// <param name="binary">The lxcfs program; null when it is not installed (see <see cref="Locate"/>).</param>
    /// <param name="perSubOsLoadavg">Pass <c>-l</c>: true on cgroup v2, where a subOS's group is the one lxcfs counts.</param>
    /// <param name="notes">Where the one-line notes go (standard error when null).</param>
    public LxcfsService(string prefix, PrefixGuard guard, string? binary, bool perSubOsLoadavg, TextWriter? notes = null)
    {
        _guard = guard;
        _binary = binary;
        _perSubOsLoadavg = perSubOsLoadavg;
        _notes = notes;
        Root = RootOf(prefix);
        MountPoint = Path.Combine(Root, "mnt");
        PidFile = Path.Combine(Root, "lxcfs.pid");
        LogFile = Path.Combine(Root, "lxcfs.log");
    }

    /// <summary>The service's directory: the mount point, lxcfs's pidfile and its log.</summary>
    public string Root { get; }

    /// <summary>Where lxcfs is mounted (its proc/ and sys/ trees mirror /proc and /sys).</summary>
    public string MountPoint { get; }

    /// <summary>lxcfs's pidfile (lxcfs writes it, and holds a lock on it while it runs).</summary>
    public string PidFile { get; }

    /// <summary>lxcfs's standard output and error, appended on each start.</summary>
    public string LogFile { get; }

    /// <summary>The directory of the lxcfs of the supervisor with <paramref name="prefix"/> (a root of its guard).</summary>
    /// <remarks>On /run, not in the state directory: a walk of the state directory must not descend into lxcfs's trees, and /run empties at boot, as mounts do.</remarks>
    public static string RootOf(string prefix) => $"/run/{prefix}-lxcfs";

    /// <summary>The lxcfs program: <c>$RF_LXCFS</c> when set (even if that file is missing), else the first found in the standard directories, else null.</summary>
    public static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable(BinaryVariable);
        return !string.IsNullOrEmpty(configured) ? configured : s_directories.Select(d => Path.Combine(d, "lxcfs")).FirstOrDefault(File.Exists);
    }

    /// <summary>The note create prints when lxcfs is not installed.</summary>
    public static string NotInstalledNote(string subOs, string? binary) =>
        $"rfm: note: lxcfs is not installed{(binary is null ? string.Empty : $" ({Printable.Escape(binary, 120)} does not exist)")}: {subOs} sees the host's /proc/meminfo and cpuinfo (apt-get install lxcfs)";

    /// <summary>The note create prints when lxcfs is installed but did not start.</summary>
    public static string NotStartedNote(string subOs, string problem) =>
        $"rfm: note: lxcfs did not start ({problem}): {subOs} sees the host's /proc/meminfo and cpuinfo";

    /// <summary>
    /// The lxcfs directory for a subOS being started (<see cref="CellSpec.LxcfsDir"/>): lxcfs is started first if it
    /// does not serve. Null, after one note line, when lxcfs is missing or does not start; the subOS then sees the host's files.
    /// </summary>
    public string? ViewFor(string subOs)
    {
        if (!IsInstalled)
        {
            Note(NotInstalledNote(subOs, _binary));
            return null;
        }

        if (EnsureRunning() is { } problem)
        {
            Note(NotStartedNote(subOs, problem));
            return null;
        }

        return _guard.CheckMountPoint(MountPoint);
    }

    /// <summary>Starts lxcfs at init where it is installed; a failure to start is one note line, not an error (subOSes then see the host's files).</summary>
    public void StartAtInit()
    {
        if (IsInstalled && EnsureRunning() is { } problem)
        {
            Note($"rfm: note: lxcfs did not start ({problem}): subOSes will see the host's /proc/meminfo and cpuinfo");
        }
    }

    /// <summary>
    /// Reconcile's part: restarts an lxcfs that died, hangs or lost its mount (cleaning the dead mount first), and
    /// gives each running subOS whose view still points at the dead lxcfs the new one's files.
    /// </summary>
    /// <param name="running">The subOSes whose agents run: name, agent pid (on the host), control socket.</param>
    /// <returns>One (target, message) per repair, and per subOS whose view could not be mended.</returns>
    public IReadOnlyList<(string Target, string Message)> Repair(IReadOnlyList<(string Name, int AgentPid, string Socket)> running)
    {
        var repairs = new List<(string, string)>();
        var state = Inspect();
        if (!state.Serving)
        {
            // Evidence that lxcfs ran here: its pidfile (a kill -9 leaves it) or its mount, or a subOS still bound to it.
            var ranBefore = state.Pid != 0 || state.Mounted || running.Any(r => ViewOf(r.AgentPid) == FileProbeResult.Disconnected);
            if (ranBefore)
            {
                try
                {
                    repairs.Add(("lxcfs", Restart(state)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Reconcile runs before every command: a broken lxcfs must not stop them all.
                    repairs.Add(("lxcfs", $"lxcfs is not serving and could not be restarted: {OneLine(e.Message)}"));
                }

                state = Inspect();
            }
        }

        foreach (var (name, agentPid, socket) in running)
        {
            if (ViewOf(agentPid) != FileProbeResult.Disconnected)
            {
                continue;
            }

            if (!state.Serving)
            {
                repairs.Add((name, $"subOS '{name}' reads a dead lxcfs: its /proc/meminfo, cpuinfo and the rest fail (ENOTCONN) until lxcfs runs again"));
                continue;
            }

            try
            {
                var done = Rebind(socket);
                repairs.Add((name, $"subOS '{name}': its /proc and /sys view pointed at the dead lxcfs; {done} from lxcfs pid {state.Pid}"));
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                repairs.Add((name, $"subOS '{name}' still reads the dead lxcfs (its /proc/meminfo fails with ENOTCONN): {OneLine(e.Message)}; destroy and create it again to mend it"));
            }
        }

        return repairs;
    }

    /// <summary>Deinit's part: stops lxcfs (it unmounts itself on SIGTERM), removes a mount it left and the directory.</summary>
    /// <exception cref="GuardViolationException">A path or the process is not this supervisor's; nothing was touched.</exception>
    public void Stop()
    {
        var state = Inspect();
        if (state.Pid != 0)
        {
            Terminate(state.Pid, graceful: true);
        }

        if (IsMounted())
        {
            Mounts.DetachMountPoint(_guard.CheckMountPoint(MountPoint));
        }

        if (Directory.Exists(Root))
        {
            Directory.Delete(_guard.CheckRoot(Root), recursive: true);
        }
    }

    private bool IsInstalled => _binary is not null && File.Exists(_binary);

    /// <summary>
    /// The file names an lxcfs of this supervisor runs under (argv[0]), which the guard checks before a signal:
    /// lxcfs, or the configured program's, so that one started before RF_LXCFS changed is still recognised.
    /// </summary>
    private IEnumerable<string> Programs => Path.GetFileName(_binary) is { Length: > 0 } name && name != "lxcfs" ? ["lxcfs", name] : ["lxcfs"];

    /// <summary>Starts lxcfs unless it serves; returns null once it serves, else what went wrong (one line).</summary>
    /// <exception cref="GuardViolationException">A path or process is not this supervisor's: a refusal is never just a note.</exception>
    private string? EnsureRunning()
    {
        try
        {
            var state = Inspect();
            if (state.Serving)
            {
                return null;
            }

            Clean(state);
            return Start();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // /run not writable, a mount that will not go: the subOS goes on without lxcfs.
            return OneLine(e.Message);
        }
    }

    private string Restart(LxcfsState state)
    {
        var what = new StringBuilder(state switch
        {
            { Pid: not 0, Probe: FileProbeResult.NoAnswer } => $"lxcfs (pid {state.Pid}) did not answer within {s_probeTimeout.TotalSeconds:0} s and was killed",
            { Pid: not 0, Mounted: false } => $"lxcfs (pid {state.Pid}) had lost its mount and was killed",
            { Pid: not 0 } => $"lxcfs (pid {state.Pid}) did not serve its mount ({state.Probe}) and was killed",
            { LastPid: not 0 } => $"lxcfs (pid {state.LastPid}) had died",
            _ => "lxcfs was not running",
        });
        if (state.Mounted)
        {
            what.Append(state.Probe == FileProbeResult.Disconnected
                ? $"; its mount {MountPoint} was disconnected (ENOTCONN) and was unmounted"
                : $"; its mount {MountPoint} was unmounted");
        }

        Clean(state);
        var problem = IsInstalled ? Start() : $"{_binary ?? "lxcfs"} is no longer installed";
        return problem is null
            ? what.Append(CultureInfo.InvariantCulture, $"; restarted (pid {ReadPid()})").ToString()
            : what.Append(CultureInfo.InvariantCulture, $"; it did not start again ({problem}): subOSes see the host's /proc/meminfo and cpuinfo").ToString();
    }

    /// <summary>Removes what a dead or hung lxcfs left: the process, its mount and its pidfile.</summary>
    private void Clean(LxcfsState state)
    {
        if (state.Pid != 0)
        {
            Terminate(state.Pid, graceful: false);
        }

        if (IsMounted())
        {
            Mounts.DetachMountPoint(_guard.CheckMountPoint(MountPoint));
        }

        if (File.Exists(PidFile))
        {
            File.Delete(_guard.CheckInside(PidFile));
        }
    }

    /// <summary>Starts lxcfs and waits until its mount answers; null on success, else the reason (one line).</summary>
    private string? Start()
    {
        Directory.CreateDirectory(Root);
        File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(MountPoint);
        var mountPoint = _guard.CheckMountPoint(MountPoint);
        List<string> argv = [_binary!, "--enable-pidfd"];
        if (_perSubOsLoadavg)
        {
            argv.Add("-l");
        }

        argv.AddRange(["-p", _guard.CheckInside(PidFile), mountPoint]);
        int pid;
        using (var log = new FileStream(_guard.CheckInside(LogFile), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            log.Write(Encoding.UTF8.GetBytes($"rfm: {DateTimeOffset.UtcNow:O} starting {string.Join(' ', argv)}\n"));
            log.Flush();
            try
            {
                pid = Spawner.Spawn(new SpawnOptions
                {
                    Path = _binary!,
                    Argv = argv,
                    Fds = new Dictionary<int, SafeHandle> { [1] = log.SafeFileHandle, [2] = log.SafeFileHandle },
                    WorkingDirectory = "/",
                    NewSession = true,
                });
            }
            catch (LinuxException e)
            {
                return OneLine(e.Message);
            }
        }

        var deadline = DateTime.UtcNow + s_startTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (ProcessInfo.TryReapExited(pid, out var code))
            {
                return $"it exited with code {code}: {LastLogLine()}; see {LogFile}";
            }

            if (IsMounted() && FileProbe.Read(Path.Combine(mountPoint, LxcfsView.ProbeFile), s_probeTimeout) == FileProbeResult.Readable)
            {
                return null;
            }

            Thread.Sleep(5);
        }

        Terminate(pid, graceful: false);
        if (IsMounted())
        {
            Mounts.DetachMountPoint(mountPoint);
        }

        return $"its mount did not answer within {s_startTimeout.TotalSeconds:0} s; see {LogFile}";
    }

    /// <summary>Sends SIGTERM (lxcfs then unmounts itself) or SIGKILL, through the guard, and waits for the end.</summary>
    private void Terminate(int pid, bool graceful)
    {
        CheckOurs(pid);
        ProcessInfo.Signal(pid, graceful ? 15 : 9);
        var deadline = DateTime.UtcNow + s_stopTimeout;
        while (ProcessInfo.IsAlive(pid) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        if (ProcessInfo.IsAlive(pid))
        {
            CheckOurs(pid);
            ProcessInfo.Kill(pid);
            while (ProcessInfo.IsAlive(pid) && DateTime.UtcNow < deadline + s_stopTimeout)
            {
                Thread.Sleep(5);
            }
        }

        // lxcfs is this process's child when the same rfm (or test) started it.
        ProcessInfo.TryReap(pid);
    }

    /// <summary>Hands the new lxcfs's files to a subOS's agent, which replaces its dead ones (<see cref="AgentOp.RebindView"/>).</summary>
    private string Rebind(string socket)
    {
        var mountPoint = _guard.CheckMountPoint(MountPoint);
        var files = LxcfsView.Files.Where(f => File.Exists(Path.Combine(mountPoint, f))).ToList();
        var trees = new List<Microsoft.Win32.SafeHandles.SafeFileHandle>();
        try
        {
            foreach (var file in files)
            {
                trees.Add(Mounts.CloneTree(Path.Combine(mountPoint, file), readOnly: true));
            }

            using var channel = ControlChannel.Connect(socket);
            channel.Socket.ReceiveTimeout = (int)s_agentTimeout.TotalMilliseconds;
            channel.Send(new AgentRequest { Op = AgentOp.RebindView, Paths = files }, AgentJsonContext.Default.AgentRequest,
                [.. trees]);
            var reply = channel.Receive(AgentJsonContext.Default.AgentReply) ?? throw new IOException("the agent closed the connection");
            return reply.Type == AgentReply.Done ? reply.Message ?? "re-bound" : throw new IOException(reply.Message ?? reply.Type);
        }
        finally
        {
            trees.ForEach(t => t.Dispose());
        }
    }

    /// <summary>How a subOS's view answers, read through its agent's root (a subOS without lxcfs reads its real /proc: readable).</summary>
    private static FileProbeResult ViewOf(int agentPid) =>
        FileProbe.Read(string.Create(CultureInfo.InvariantCulture, $"/proc/{agentPid}/root/{LxcfsView.ProbeFile}"), s_probeTimeout);

    private LxcfsState Inspect()
    {
        var lastPid = ReadPid();
        var pid = lastPid != 0 && ProcessInfo.IsAlive(lastPid) && IsOurs(lastPid) ? lastPid : 0;
        var mounted = IsMounted();
        if (pid == 0 && mounted)
        {
            // Mounted, yet the pidfile names no lxcfs of ours (someone deleted it): find the server by its mount point,
            // so that a restart does not leave it running beside the new one.
            pid = FindServer();
        }

        var probe = mounted ? FileProbe.Read(Path.Combine(_guard.CheckMountPoint(MountPoint), LxcfsView.ProbeFile), s_probeTimeout) : FileProbeResult.Missing;
        return new LxcfsState(pid, lastPid, mounted, probe);
    }

    private bool IsOurs(int pid)
    {
        try
        {
            CheckOurs(pid);
            return true;
        }
        catch (GuardViolationException)
        {
            // The pidfile outlived its lxcfs and the pid now names another program: leave that one alone.
            return false;
        }
    }

    /// <summary>Passes the guard's process check for one of <see cref="Programs"/>, or throws its refusal for the first.</summary>
    private void CheckOurs(int pid)
    {
        var mountPoint = _guard.CheckMountPoint(MountPoint);
        GuardViolationException? refused = null;
        foreach (var program in Programs)
        {
            try
            {
                _guard.CheckProcess(pid, program, mountPoint);
                return;
            }
            catch (GuardViolationException e)
            {
                refused ??= e;
            }
        }

        throw refused!;
    }

    private int FindServer()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId
                && ProcessInfo.IsAlive(pid) && IsOurs(pid))
            {
                return pid;
            }
        }

        return 0;
    }

    private int ReadPid()
    {
        try
        {
            return int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private bool IsMounted() =>
        Directory.Exists(Root) && MountTable.Read(Environment.ProcessId).IsMountPoint(_guard.CheckMountPoint(MountPoint));

    private string LastLogLine()
    {
        try
        {
            return OneLine(File.ReadLines(LogFile).LastOrDefault(l => l.Trim().Length > 0 && !l.StartsWith("rfm: ", StringComparison.Ordinal)) ?? "no output");
        }
        catch (IOException)
        {
            return "no log";
        }
    }

    private void Note(string line)
    {
        (_notes ?? Console.Error).WriteLine(line);
    }

    private static string OneLine(string text) => Printable.Escape(text.Trim(), 200);
}
