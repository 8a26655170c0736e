using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>
/// Processes held by pidfd, so that a signal sent later reaches the process a pid named when it was read, never one
/// that was given the pid after that process exited.
/// </summary>
/// <remarks>
/// <para>A pid read from a cgroup's <c>cgroup.procs</c> names a member only at the moment of the read: the process may
/// exit, and a host process may be given its pid, before the kill(2) that follows. cgroup v2's <c>cgroup.kill</c> has
/// no such gap; cgroup v1, and v2 before Linux 5.14, have only the list. So the pids are pinned first (pidfd_open), the
/// group is read again, and a process is signalled through its pidfd only if its pid is in that second read. A pinned
/// process that is still alive when the signal reaches it has held its pid since it was pinned, so the member the
/// second read saw under that pid was this process; one that died in between makes the signal fail with ESRCH, and
/// nothing else is touched.</para>
/// <para>On a kernel without pidfds (before 5.3) the pids are signalled by number after the second read: that narrows
/// the gap to the time between the read and the kill, but cannot close it.</para>
/// </remarks>
public sealed class PinnedProcesses : IDisposable
{
    private readonly List<(int Pid, SafeFileHandle? Handle)> _pinned = [];

    private PinnedProcesses()
    {
    }

    /// <summary>The pids pinned, in the order given; those already gone, and numbers that name no single process (0 and below), left out.</summary>
    public IReadOnlyList<int> Pids => [.. _pinned.Select(p => p.Pid)];

    /// <summary>Whether the pins are pidfds; false on a kernel without them, where they are only the numbers.</summary>
    public bool ByPidfd => _pinned.Count == 0 || _pinned[0].Handle is not null;

    /// <summary>Pins each process of <paramref name="pids"/> that still exists.</summary>
    /// <exception cref="LinuxException">pidfd_open failed for another reason than a process already gone or a kernel without it.</exception>
    public static PinnedProcesses Pin(IEnumerable<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        var pinned = new PinnedProcesses();
        try
        {
            // Never 0 or a negative number: kill(2) reads those as a process group or every process.
            foreach (var pid in pids.Where(p => p > 0).Distinct())
            {
                var handle = new SafeFileHandle();
                var fd = Interop.Libc.syscall_pidfd_open(Interop.Libc.SYS_pidfd_open, pid, 0);
                if (fd >= 0)
                {
                    Marshal.InitHandle(handle, fd);
                    pinned._pinned.Add((pid, handle));
                    continue;
                }

                var errno = Interop.Errors.LastErrno();
                handle.Dispose();
                if (errno == Errno.ENOSYS)
                {
                    pinned._pinned.Add((pid, null));
                }
                else if (errno != Errno.ESRCH)
                {
                    throw Interop.Errors.For(errno, "pidfd_open", pid.ToString(CultureInfo.InvariantCulture));
                }
            }
        }
        catch
        {
            pinned.Dispose();
            throw;
        }

        return pinned;
    }

    /// <summary>
    /// Sends SIGKILL to every pinned process whose pid is in <paramref name="members"/>, a read of the group made after
    /// <see cref="Pin"/>; returns the pids it reached.
    /// </summary>
    /// <exception cref="LinuxException">The kernel refused a signal (EPERM).</exception>
    public IReadOnlyList<int> Kill(IReadOnlySet<int> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        List<int> reached = [];
        foreach (var (pid, handle) in _pinned)
        {
            if (!members.Contains(pid))
            {
                continue;
            }

            if (handle is null)
            {
                if (ProcessInfo.Kill(pid))
                {
                    reached.Add(pid);
                }

                continue;
            }

            if (Interop.Libc.syscall_pidfd_send_signal(Interop.Libc.SYS_pidfd_send_signal, handle, Interop.Libc.SIGKILL, 0, 0) == 0)
            {
                reached.Add(pid);
                continue;
            }

            var errno = Interop.Errors.LastErrno();
            if (errno != Errno.ESRCH)
            {
                throw Interop.Errors.For(errno, "pidfd_send_signal", pid.ToString(CultureInfo.InvariantCulture));
            }
        }

        return reached;
    }

    /// <summary>Closes the pidfds.</summary>
    public void Dispose()
    {
        foreach (var (_, handle) in _pinned)
        {
            handle?.Dispose();
        }

        _pinned.Clear();
    }
}
