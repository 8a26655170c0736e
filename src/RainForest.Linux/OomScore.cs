using System.Globalization;

namespace RainForest.Linux;

/// <summary>Who the OOM killer picks inside a subOS: a program that overran its memory, never pid 1.</summary>
/// <remarks>
/// <para>
/// The agent shields itself with -1000 where the host lets it (lowering a score takes CAP_SYS_RESOURCE). Every
/// program it starts would inherit that value and be unkillable too, so each program starts with its own score:
/// 0 where the agent is shielded; 500 where it is not (hosts that withhold CAP_SYS_RESOURCE, such as this
/// project's CI machine), so that a program still outranks the agent. In a subOS's memory cgroup 500 adds half
/// the subOS's memory to a program's badness: the agent (a few MiB) could only be picked if it outgrew that.
/// </para>
/// <para>
/// The score is set by the first link of the exec chain (util-linux <c>choom -n SCORE --</c>), so the program
/// never runs a single instruction with the agent's score. Writing it from the agent after the spawn raced the
/// chain: a quick program could read or run with the inherited value. Both scores only ever raise the agent's
/// own, which needs no capability.
/// </para>
/// </remarks>
public static class OomScore
{
    /// <summary>The agent's own score when the host lets it shield itself.</summary>
    public const int Shielded = -1000;

    /// <summary>Programs' score while the agent is shielded: the kernel's default.</summary>
    public const int ProgramWhenShielded = 0;

    /// <summary>Programs' score while the agent could not shield itself.</summary>
    public const int ProgramWhenExposed = 500;

    /// <summary>Shields the calling process; returns the score its programs must start with.</summary>
    public static int ShieldSelf() => Shield(score => Write("self", score), Console.Error);

    /// <summary>Sets a running process's score; a process that already exited is fine.</summary>
    /// <remarks>Only for a privileged subOS whose root has no choom: the program may run briefly with the agent's score.</remarks>
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

    /// <summary>The links that start a program with <paramref name="score"/>: <c>choom -n SCORE --</c>.</summary>
    /// <param name="choom">Path of util-linux choom.</param>
    /// <param name="score">The program's oom_score_adj.</param>
    public static string[] ChainPrefix(string choom, int score) =>
        [choom, "-n", score.ToString(CultureInfo.InvariantCulture), "--"];

    /// <summary>
    /// The decision, apart from the kernel: tries to write <see cref="Shielded"/> as the caller's own score and
    /// returns the programs' score for the outcome.
    /// </summary>
    /// <param name="writeOwnScore">Writes the caller's own oom_score_adj; throws as the kernel refuses (EACCES without CAP_SYS_RESOURCE).</param>
    /// <param name="log">Where the refusal is reported.</param>
    internal static int Shield(Action<int> writeOwnScore, TextWriter log)
    {
        try
        {
            writeOwnScore(Shielded);
            return ProgramWhenShielded;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"rf-agent: cannot shield pid 1 from the OOM killer ({e.Message}); programs start with oom_score_adj {ProgramWhenExposed}");
            return ProgramWhenExposed;
        }
    }

    private static void Write(string process, int score)
    {
        // procfs files take a plain write: no truncation, no lock (File.WriteAllText tries both).
        using var handle = File.OpenHandle($"/proc/{process}/oom_score_adj", FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, System.Text.Encoding.ASCII.GetBytes(score.ToString(CultureInfo.InvariantCulture)), 0);
    }
}
