using System.Globalization;

namespace RainForest.Agent;

/// <summary>Who the OOM killer picks inside a subOS: a program that overran its memory, never pid 1.</summary>
/// <remarks>
/// The agent shields itself with -1000 where the host lets it (lowering a score takes CAP_SYS_RESOURCE). Every
/// program it starts would inherit that value and be unkillable too, so each program's score is set right
/// after it is spawned, while it is still on its way through the sandbox's exec chain: 0 where the agent is
/// shielded; 500 where it is not (hosts that withhold CAP_SYS_RESOURCE, such as this project's CI machine),
/// so that a program still outranks the agent. In a subOS's memory cgroup 500 adds half the subOS's memory to
/// a program's badness: the agent (a few MiB) could only be picked if it outgrew that.
/// </remarks>
internal static class OomScore
{
    /// <summary>The agent's own score when the host lets it shield itself.</summary>
    public const int Shielded = -1000;

    /// <summary>Programs' score while the agent is shielded: the kernel's default.</summary>
    public const int ProgramWhenShielded = 0;

    /// <summary>Programs' score while the agent could not shield itself.</summary>
    public const int ProgramWhenExposed = 500;

    /// <summary>Shields the calling process; returns the score its programs must get.</summary>
    public static int ShieldSelf()
    {
        try
        {
            Write("self", Shielded);
            return ProgramWhenShielded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"rf-agent: cannot shield pid 1 from the OOM killer ({e.Message}); programs start with oom_score_adj {ProgramWhenExposed}");
            return ProgramWhenExposed;
        }
    }

    /// <summary>Sets a program's score; a program that already exited is fine.</summary>
    public static void Set(int pid, int score)
    {
        try
        {
            Write(pid.ToString(CultureInfo.InvariantCulture), score);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // ESRCH: it exited already; nothing is left to protect against.
        }
    }

    private static void Write(string process, int score)
    {
        // procfs files take a plain write: no truncation, no lock (File.WriteAllText tries both).
        using var handle = File.OpenHandle($"/proc/{process}/oom_score_adj", FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(score.ToString(CultureInfo.InvariantCulture)), 0);
    }
}
