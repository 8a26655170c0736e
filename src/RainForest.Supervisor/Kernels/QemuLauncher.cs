using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RainForest.Core;
using RainForest.Linux;
using RainForest.Vm.Qemu;

namespace RainForest.Supervisor.Kernels;

/// <summary>
/// Starts a kernel subOS's QEMU confined (<see cref="QemuConfinement"/>): in the subOS's cgroups from birth, in a mount
/// namespace of its own, as the subOS's unprivileged host id with no capability, under QEMU's own seccomp filter, and
/// detached from rfm so that the guest outlives it.
/// </summary>
/// <remarks>
/// <para>
/// The order is forced by the sandbox: once QEMU has installed its filter, <c>elevateprivileges=deny</c> kills it at
/// <c>setsid</c> or <c>setuid</c> and <c>spawn=deny</c> at <c>fork</c>, so neither <c>-daemonize</c> nor <c>-runas</c>
/// can work (both happen after the filter). A root shell therefore joins the cgroups, builds QEMU's mount view, and
/// starts QEMU in the background through <c>setpriv</c> (ids, no groups, empty bounding set, no_new_privs), then exits:
/// QEMU is re-parented to init in the session rfm made for the shell, as <c>-daemonize</c> would leave it.
/// </para>
/// <para>
/// QEMU then opens no path it could not open as its own uid. The QMP and agent sockets are bound by rfm and handed over
/// as listening descriptors (<c>fd=</c>), so QEMU needs no write access anywhere; the subOS's directory is
/// <c>root:ID 0710</c>, so QEMU reaches the initramfs and the console log (its own file) by name and lists nothing;
/// the 9p shares are opened once at start and read with QEMU's uid (<c>security_model=none</c>): the guest reads what
/// any unprivileged host user can, never the host's root-only files.
/// </para>
/// </remarks>
internal static class QemuLauncher
{
    /// <summary>The descriptor QEMU gets the QMP socket on: above the low numbers other devices' descriptors take.</summary>
    public const int QmpFd = 60;

    /// <summary>The descriptor QEMU gets the agent's socket on.</summary>
    public const int AgentFd = 61;

    /// <summary>The descriptor QEMU gets the control port's socket on (<c>ctl.sock</c>), when its arguments use it.</summary>
    public const int ControlFd = 62;

    /// <summary>How long QEMU may take from exec until QMP answers.</summary>
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gives the subOS's directory to QEMU's group (search only) and creates the console log as QEMU's own file.
    /// </summary>
    public static void PrepareDirectory(string dir, string consoleLog, QemuConfinement confinement)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        Mounts.ChangeOwner(dir, 0, confinement.Id);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        File.Delete(consoleLog);
        using (File.Create(consoleLog))
        {
        }

        Mounts.ChangeOwner(consoleLog, confinement.Id, confinement.Id);
        File.SetUnixFileMode(consoleLog, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// <paramref name="kernel"/> itself when every user may read it (the kernel cache is), else a copy in the subOS's
    /// directory that only QEMU's group may read: QEMU opens the image by name as its own uid.
    /// </summary>
    public static string Readable(string kernel, string dir, QemuConfinement confinement)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        if (ReadableByAll(kernel))
        {
            return kernel;
        }

        var copy = Path.Combine(dir, "vmlinuz");
        File.Copy(kernel, copy, overwrite: true);
        Mounts.ChangeOwner(copy, 0, confinement.Id);
        File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        return copy;
    }

    /// <summary>
    /// Starts QEMU with <paramref name="arguments"/> (which name the sockets as <see cref="QmpFd"/> and
    /// <see cref="AgentFd"/>) and returns its pid once QMP answers.
    /// </summary>
    /// <exception cref="RfException">QEMU did not start, or did not answer within a minute (exit code 1).</exception>
    /// <param name="name">The subOS.</param>
    /// <param name="dir">Its directory.</param>
    /// <param name="procs">The cgroup.procs files QEMU joins before it starts.</param>
    /// <param name="arguments">QEMU's arguments.</param>
    /// <param name="confinement">Who QEMU runs as and what it sees.</param>
    /// <param name="devices">Further descriptors QEMU gets by number (a tap, shared directories), below <see cref="QmpFd"/>.</param>
    public static int Launch(string name, string dir, IReadOnlyList<string> procs, IReadOnlyList<string> arguments, QemuConfinement confinement, IReadOnlyDictionary<int, SafeHandle> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Keys.Any(fd => fd < 3 || fd >= QmpFd))
        {
            throw new ArgumentOutOfRangeException(nameof(devices), $"device descriptors lie between 3 and {QmpFd - 1}");
        }

        ArgumentNullException.ThrowIfNull(procs);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(confinement);
        var qmpPath = Path.Combine(dir, "qmp.sock");
        var pidFile = Path.Combine(dir, "qemu.pid");
        var logFile = Path.Combine(dir, "qemu.log");
        File.Delete(pidFile);
        var own = Inside(name, confinement.StateDirectory, confinement.OwnDirectory);
        var channels = Inside(name, confinement.ChannelRoot, confinement.ChannelDirectory);
        var shell = SystemTools.Require("sh");
        var unshare = SystemTools.Require("unshare");
        var groups = confinement.Groups.Count == 0 ? "--clear-groups" : "--groups=" + string.Join(',', confinement.Groups.Select(g => g.ToString(CultureInfo.InvariantCulture)));
        int parent;
        using (var qmp = Listen(qmpPath))
        using (var agent = Listen(Path.Combine(dir, "agent.sock")))
        using (var control = arguments.Any(a => a.Contains($"fd={ControlFd},", StringComparison.Ordinal)) ? Listen(Path.Combine(dir, "ctl.sock")) : null)
        using (var log = File.Open(logFile, FileMode.Create, FileAccess.Write, FileShare.ReadWrite))
        using (var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        {
            parent = Spawner.Spawn(new SpawnOptions
            {
                Path = unshare,
                Argv =
                [
                    unshare, "--mount", "--propagation", "private", "--", shell, "-c", LaunchScript,
                    SystemTools.Require("qemu-system-x86_64"), procs.Count.ToString(CultureInfo.InvariantCulture), .. procs,
                    SystemTools.Require("setpriv"), confinement.Id.ToString(CultureInfo.InvariantCulture), groups, pidFile,
                    "2", confinement.StateDirectory, own, confinement.ChannelRoot, channels,
                    confinement.EmptyDirectories.Count.ToString(CultureInfo.InvariantCulture), .. confinement.EmptyDirectories,
                    .. arguments,
                ],
                Fds = new Dictionary<int, SafeHandle>(devices)
                {
                    [0] = devNull, [1] = log.SafeFileHandle, [2] = log.SafeFileHandle, [QmpFd] = qmp.SafeHandle, [AgentFd] = agent.SafeHandle,
                }.Concat(control is null ? [] : [new KeyValuePair<int, SafeHandle>(ControlFd, control.SafeHandle)]).ToDictionary(),
                WorkingDirectory = "/",
                NewSession = true,
            });
            WaitForShell(name, dir, parent);
        }

        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw RfException.Failed($"subOS '{name}': QEMU did not start: {KernelBackend.LastLine(logFile) ?? "no pid"}");
        }

        WaitForQmp(name, qmpPath, logFile, pid);
        return pid;
    }

    /// <summary>
    /// Arguments: QEMU, the number of cgroup.procs files and those files, setpriv, QEMU's id, its groups option, the pid
    /// file, the number of directories to hide and for each the directory and the one inside it to keep (relative), the
    /// number of directories to empty and those, then QEMU's arguments. The shell's working directory keeps the kept
    /// directory reachable after its parent is covered, so it can be bound back (<c>mount -c</c>: the path "." is not
    /// turned into a name, which would now lead into the tmpfs).
    /// </summary>
    private const string LaunchScript = """
        qemu=$0 n=$1; shift
        while [ "$n" -gt 0 ]; do echo $$ > "$1" || { echo "cannot join the cgroup $1" >&2; exit 1; }; shift; n=$((n - 1)); done
        setpriv=$1 id=$2 groups=$3 pidfile=$4 n=$5; shift 5
        fail() { echo "cannot confine QEMU: $1" >&2; exit 1; }
        while [ "$n" -gt 0 ]; do
          hidden=$1 kept=$2; shift 2; n=$((n - 1))
          cd "$hidden/$kept" || fail "no directory $hidden/$kept"
          mount -t tmpfs -o mode=0755,size=64k,nosuid,nodev,noexec rf-qemu-hidden "$hidden" || fail "hide $hidden"
          mkdir -p "$hidden/$kept" && mount -c --bind . "$hidden/$kept" && mount -o remount,ro "$hidden" || fail "bind $kept back"
        done
        n=$1; shift
        mount -t proc -o hidepid=invisible,nosuid,nodev,noexec rf-qemu-proc /proc 2>/dev/null \
          || mount -t proc -o hidepid=2,nosuid,nodev,noexec rf-qemu-proc /proc || fail "mount /proc"
        while [ "$n" -gt 0 ]; do
          mount -t tmpfs -o ro,mode=0755,size=4k,nosuid,nodev,noexec rf-qemu-empty "$1" || fail "empty $1"; shift; n=$((n - 1))
        done
        cd /
        ( exec "$setpriv" --reuid="$id" --regid="$id" "$groups" --inh-caps=-all --bounding-set=-all --no-new-privs -- "$qemu" "$@" ) &
        echo $! > "$pidfile"
        """;

    private static string Inside(string name, string parent, string dir)
    {
        var relative = Path.GetRelativePath(parent, dir);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) || relative == "."
            ? throw RfException.Failed($"subOS '{name}': {dir} is not inside {parent}")
            : relative;
    }

    /// <summary>A listening socket at <paramref name="path"/>, to be handed to QEMU.</summary>
    /// <remarks>
    /// .NET removes the file a socket was bound to when the socket is disposed, which rfm does once QEMU holds its copy:
    /// the socket is bound under a temporary name and renamed, so the name .NET removes is gone already.
    /// </remarks>
    private static Socket Listen(string path)
    {
        var temporary = path + ".new";
        File.Delete(path);
        File.Delete(temporary);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(temporary));
            socket.Listen(16);
            File.Move(temporary, path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void WaitForShell(string name, string dir, int parent)
    {
        var clock = Stopwatch.StartNew();
        int code;
        while (!ProcessInfo.TryReapExited(parent, out code))
        {
            if (clock.Elapsed > s_startTimeout)
            {
                ProcessInfo.Kill(parent);
                ProcessInfo.WaitForExit(parent);
                throw RfException.Failed($"subOS '{name}': QEMU's launcher did not finish within {s_startTimeout.TotalSeconds:0} s (see {dir}/qemu.log)");
            }

            Thread.Sleep(5);
        }

        if (code != 0)
        {
            throw RfException.Failed($"subOS '{name}': QEMU did not start: {KernelBackend.LastLine(Path.Combine(dir, "qemu.log")) ?? $"exit code {code}"}");
        }
    }

    /// <summary>
    /// Waits until QEMU has initialised (its QMP greeting): the listening socket accepts a connection at once, but the
    /// greeting comes from QEMU's main loop; a QEMU that fails its start exits and the connection breaks.
    /// </summary>
    private static void WaitForQmp(string name, string qmpPath, string logFile, int pid)
    {
        var clock = Stopwatch.StartNew();
        var start = ProcessInfo.StartTime(pid);
        while (true)
        {
            if (start is null || !ProcessInfo.IsAlive(pid, start.Value))
            {
                throw RfException.Failed($"subOS '{name}': QEMU exited at start: {KernelBackend.LastLine(logFile) ?? "no message"}");
            }

            try
            {
                using var client = QmpClient.Connect(qmpPath, TimeSpan.FromSeconds(5));
                return;
            }
            catch (RfException) when (clock.Elapsed < s_startTimeout)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static bool ReadableByAll(string path)
    {
        var full = Path.GetFullPath(path);
        if ((File.GetUnixFileMode(full) & UnixFileMode.OtherRead) == 0)
        {
            return false;
        }

        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }

        return true;
    }
}
