using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux.Namespaces;

/// <summary>
/// A short-lived process that makes new namespaces with util-linux <c>unshare</c> and then waits, so that
/// their maps can be written and their files opened; disposing it ends the process.
/// </summary>
/// <remarks>
/// A .NET process cannot unshare a user or mount namespace itself (the kernel requires a single thread,
/// and the runtime always has several), so a small C program does that one call. The holder is
/// <c>cat</c> reading a pipe: it exits as soon as this side closes the pipe, and nothing is left behind
/// when the caller dies. An open namespace file keeps the namespace alive without any process in it.
/// </remarks>
public sealed class NamespaceHolder : IDisposable
{
    private readonly Pipe _stdin;
    private bool _reaped;

    private readonly string _proc;

    private NamespaceHolder(int pid, Pipe stdin, IReadOnlyList<string> kinds, string proc)
    {
        Pid = pid;
        _stdin = stdin;
        Kinds = kinds;
        _proc = proc;
    }

    /// <summary>The holder's pid, as this process sees it.</summary>
    public int Pid { get; }

    /// <summary>The namespace kinds it makes: <c>user</c>, <c>mnt</c>.</summary>
    public IReadOnlyList<string> Kinds { get; }

    /// <summary>
    /// Starts <c>unshare</c> with a flag per namespace kind (user, mnt) and <c>cat</c> as the program that holds them.
    /// </summary>
    /// <param name="unshare">Path of util-linux unshare.</param>
    /// <param name="cat">Path of cat.</param>
    /// <param name="proc">
    /// A procfs of this process's pid namespace (a process that has just entered a new pid namespace still
    /// sees the host's /proc, where its children's pids mean other processes).
    /// </param>
    /// <param name="kinds">Namespace kinds to make: "user" and/or "mnt".</param>
    public static NamespaceHolder Start(string unshare, string cat, string proc, params string[] kinds)
    {
        var argv = new List<string> { unshare };
        foreach (var kind in kinds)
        {
            argv.Add(kind switch
            {
                "user" => "--user",
                "mnt" => "--mount",
                _ => throw new ArgumentException($"unsupported namespace kind '{kind}'", nameof(kinds)),
            });
        }

        // The mounts the new namespace copies are already private; leave their propagation alone.
        if (kinds.Contains("mnt"))
        {
            argv.AddRange(["--propagation", "unchanged"]);
        }

        argv.AddRange(["--", cat]);
        var stdin = Pipe.Create();
        try
        {
            var pid = Spawner.Spawn(new SpawnOptions
            {
                Path = unshare,
                Argv = argv,
                Fds = new Dictionary<int, SafeHandle> { [0] = stdin.Read },
                WorkingDirectory = "/",
            });
            return new NamespaceHolder(pid, stdin, kinds, proc);
        }
        catch
        {
            stdin.Dispose();
            throw;
        }
    }

    /// <summary>Waits until unshare has made the namespaces (the holder's namespace files differ from this process's).</summary>
    /// <exception cref="LinuxException">The holder exited first (unshare failed) or did not get there in time.</exception>
    public void WaitUntilMade(TimeSpan timeout)
    {
        var last = Kinds[^1];
        var mine = NamespaceId(_proc, "self", last);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var spins = 0;
        while (true)
        {
            var theirs = NamespaceId(_proc, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), last);
            if (theirs is not null && theirs != mine)
            {
                return;
            }

            if (ProcessInfo.TryReapExited(Pid, out var code))
            {
                _reaped = true;
                throw new LinuxException(Interop.Errno.EPERM, $"unshare {string.Join(' ', Kinds)} (exit {code})");
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new LinuxException(Interop.Errno.EAGAIN, $"unshare {string.Join(' ', Kinds)} did not finish in {timeout.TotalSeconds:0} s");
            }

            Pause(ref spins);
        }
    }

    /// <summary>Writes the holder's uid_map and gid_map (only a process with CAP_SETUID in the parent namespace may write a range).</summary>
    public void MapIds(IdMapping uids, IdMapping gids)
    {
        WriteProcFile(ProcPath("uid_map"), uids + "\n");
        WriteProcFile(ProcPath("gid_map"), gids + "\n");
    }

    /// <summary>
    /// Opens the user namespace of another process once its uid_map shows <paramref name="expected"/>: the
    /// other side of <see cref="MapIds"/>, for a process that did not start the holder.
    /// </summary>
    /// <param name="proc">The procfs in which <paramref name="pid"/> names the holder.</param>
    /// <param name="pid">The holder.</param>
    /// <param name="expected">The mapping the holder's starter writes.</param>
    /// <param name="timeout">How long to wait for it.</param>
    public static SafeFileHandle OpenUserNamespaceWhenMapped(string proc, int pid, IdMapping expected, TimeSpan timeout)
    {
        var dir = Path.Combine(proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var spins = 0;
        while (true)
        {
            string? map = null;
            try
            {
                map = File.ReadAllText(Path.Combine(dir, "uid_map"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LinuxException(Interop.Errno.ESRCH, "open user namespace", dir);
            }

            // A map is written once and never changes, and the holder cannot leave its namespace: once
            // the map is the expected one, the namespace file is that namespace's.
            if (IdMapping.ParseMap(map) is [var only] && only == expected)
            {
                return File.OpenHandle(Path.Combine(dir, "ns", "user"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            }

            if (Environment.TickCount64 > deadline)
            {
                throw new LinuxException(Interop.Errno.EAGAIN, $"wait for the id map {expected}", dir);
            }

            Pause(ref spins);
        }
    }

    /// <summary>Opens one of the holder's namespace files (close-on-exec); the namespace lives as long as the handle.</summary>
    public SafeFileHandle Open(string kind) =>
        File.OpenHandle(ProcPath("ns", kind), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    /// <summary>The identity of a process's namespace ("user:[4026531837]"), or null when the process is gone.</summary>
    /// <param name="proc">The procfs to look in.</param>
    /// <param name="process">A pid, or "self".</param>
    /// <param name="kind">The namespace kind.</param>
    public static string? NamespaceId(string proc, string process, string kind)
    {
        try
        {
            return new FileInfo(Path.Combine(proc, process, "ns", kind)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Ends the holder and reaps it.</summary>
    public void Dispose()
    {
        _stdin.Dispose();
        if (!_reaped)
        {
            _reaped = true;
            ProcessInfo.WaitForExit(Pid);
        }
    }

    /// <summary>unshare runs within a millisecond or two: spin briefly, then yield the CPU.</summary>
    private static void Pause(ref int spins)
    {
        if (++spins < 50)
        {
            Thread.SpinWait(200);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    private string ProcPath(params string[] parts) =>
        Path.Combine([_proc, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), .. parts]);

    private static void WriteProcFile(string path, string text)
    {
        // A map file takes the whole map in one write(2); File.WriteAllText would truncate and lock first.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(text), 0);
    }
}
