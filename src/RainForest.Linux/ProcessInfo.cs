using System.Globalization;

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

        return ParseStatFields(text);
    }

    /// <summary>
    /// The fields of the text of a /proc/PID/stat file after the command name (state is index 0), or null when
    /// there is no text or it is not a stat line.
    /// </summary>
    public static string[]? ParseStatFields(string? text)
    {
        // The command name may hold spaces and parentheses; it ends at the last ')'.
        var close = text?.LastIndexOf(')') ?? -1;
        return close < 0 || close + 2 > text!.Length ? null : text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
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
    public static bool Signal(int pid, int signal)
    {
        if (Interop.Libc.kill(pid, signal) == 0)
        {
            return true;
        }

        var e = Interop.LastError("kill");
        return e.Errno == Interop.Errno.ESRCH ? false : throw e;
    }

    /// <summary>Sends SIGKILL; false when the process no longer exists.</summary>
    public static bool Kill(int pid) => Signal(pid, Interop.Libc.SIGKILL);

    /// <summary>Reaps the child if it has exited; ignores pids that are not this process's children.</summary>
    public static void TryReap(int pid)
    {
        Interop.Libc.waitpid(pid, out _, Interop.Libc.WNOHANG);
    }

    /// <summary>Reaps the child if it has exited and returns true with its shell-style exit code; false while it runs.</summary>
    public static bool TryReapExited(int pid, out int exitCode)
    {
        exitCode = 0;
        var status = 0;
        var r = Interop.RetryOnEintr(() => Interop.Libc.waitpid(pid, out status, Interop.Libc.WNOHANG));
        if (r <= 0)
        {
            return false;
        }

        exitCode = ExitCodeOf(status);
        return true;
    }

    /// <summary>Waits for a child of this process and returns its shell-style exit code (128+signal when killed).</summary>
    public static int WaitForExit(int pid)
    {
        int status = 0;
        var r = Interop.RetryOnEintr(() => Interop.Libc.waitpid(pid, out status, 0));
        if (r < 0)
        {
            throw Interop.LastError("waitpid");
        }

        return ExitCodeOf(status);
    }

    /// <summary>Converts a wait status into a shell-style exit code.</summary>
    public static int ExitCodeOf(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /// <summary>This process's pid.</summary>
    public static int CurrentPid => Interop.Libc.getpid();
}
