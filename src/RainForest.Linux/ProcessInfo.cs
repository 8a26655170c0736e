using System.Globalization;
using RainForest.Interop;

namespace RainForest.Linux;

/// <summary>Reads and signals processes by pid, guarding against pid reuse with the start time.</summary>
public static class ProcessInfo
{
    /// <summary>
    /// The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when it does not exist.
    /// A pid plus its start time names one process for the machine's uptime.
    /// </summary>
    public static long? StartTime(int pid, string procRoot = "/proc")
    {
        var fields = StatFields(pid, procRoot);
        return fields is null ? null : long.Parse(fields[19], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The fields of /proc/PID/stat after the command name (state is index 0), or null when the process is gone.
    /// </summary>
    public static string[]? StatFields(int pid, string procRoot = "/proc")
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name may hold spaces and parentheses; it ends at the last ')'.
        var close = text.LastIndexOf(')');
        return close < 0 ? null : text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>True when the process runs (not a zombie) and, if given, started at <paramref name="startTime"/>.</summary>
    public static bool IsAlive(int pid, long? startTime = null)
    {
        if (pid <= 0)
        {
            return false;
        }

        var fields = StatFields(pid);
        if (fields is null || fields[0] == "Z" || fields[0] == "X")
        {
            return false;
        }

        return startTime is null || long.Parse(fields[19], CultureInfo.InvariantCulture) == startTime;
    }

    /// <summary>The CPU the task last ran on (field 39 of stat), or -1 when it is gone.</summary>
    public static int LastCpu(int pid, int tid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/task/{tid}/stat");
        }
        catch (IOException)
        {
            return -1;
        }

        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[36], CultureInfo.InvariantCulture);
    }

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    /// <exception cref="LinuxException">The signal was refused (EPERM: not this user's process).</exception>
    public static bool Signal(int pid, int signal)
    {
        if (Interop.Libc.kill(pid, signal) == 0)
        {
            return true;
        }

        var errno = Interop.Errors.LastErrno();
        return errno == Errno.ESRCH ? false : throw Interop.Errors.For(errno, "kill");
    }

    /// <summary>Sends SIGKILL; false when the process no longer exists.</summary>
    /// <exception cref="LinuxException">The signal was refused.</exception>
    public static bool Kill(int pid) => Signal(pid, Interop.Libc.SIGKILL);

    /// <summary>Reaps the child if it has exited; ignores pids that are not this process's children.</summary>
    /// <exception cref="LinuxException">waitpid failed for another reason than "not a child".</exception>
    public static void TryReap(int pid)
    {
        if (Interop.Eintr.Retry(() => Interop.Libc.waitpid(pid, out _, Interop.Libc.WNOHANG)) < 0 && Interop.Errors.LastErrno() != Errno.ECHILD)
        {
            throw Interop.Errors.Last("waitpid");
        }
    }

    /// <summary>Reaps the child if it has exited and returns true with its shell-style exit code; false while it runs.</summary>
    /// <exception cref="LinuxException">The pid is not a child of this process (ECHILD).</exception>
    public static bool TryReapExited(int pid, out int exitCode)
    {
        exitCode = 0;
        var status = 0;
        var r = Interop.Eintr.Retry(() => Interop.Libc.waitpid(pid, out status, Interop.Libc.WNOHANG));
        if (r < 0)
        {
            throw Interop.Errors.Last("waitpid");
        }

        if (r == 0)
        {
            return false;
        }

        exitCode = ExitCodeOf(status);
        return true;
    }

    /// <summary>Waits for a child of this process and returns its shell-style exit code (128+signal when killed).</summary>
    /// <exception cref="LinuxException">The pid is not a child of this process (ECHILD).</exception>
    public static int WaitForExit(int pid)
    {
        var status = 0;
        var r = Interop.Eintr.Retry(() => Interop.Libc.waitpid(pid, out status, 0));
        if (r < 0)
        {
            throw Interop.Errors.Last("waitpid");
        }

        return ExitCodeOf(status);
    }

    /// <summary>
    /// Waits for any child of this process to exit (orphans included, in pid 1): true with its pid and
    /// shell-style exit code, false when this process has no children at all.
    /// </summary>
    /// <exception cref="LinuxException">waitpid failed for another reason than "no children".</exception>
    public static bool WaitForAnyChild(out int pid, out int exitCode)
    {
        var status = 0;
        pid = Interop.Eintr.Retry(() => Interop.Libc.waitpid(-1, out status, 0));
        if (pid < 0)
        {
            exitCode = 0;
            return Interop.Errors.LastErrno() == Errno.ECHILD ? false : throw Interop.Errors.Last("waitpid");
        }

        exitCode = ExitCodeOf(status);
        return true;
    }

    /// <summary>Converts a wait status into a shell-style exit code.</summary>
    public static int ExitCodeOf(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }
}
