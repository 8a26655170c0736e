using System.Globalization;

namespace RainForest.Bench.Harness.Programs;

/// <summary>
/// Wraps every program the harness runs so that it can be stopped from outside and always stops by itself.
/// </summary>
/// <remarks>
/// <para>
/// The same wrapper works on the host, in a cell (through the agent) and in an LXC container (through
/// lxc-attach): none of those lets the harness signal the program directly without knowing its pid in a
/// namespace of its own. Instead the program's standard input is a pipe whose only writer is the harness;
/// a watcher in the wrapper kills the program when that pipe reaches end of file. Closing the pipe stops the
/// program, and so does the harness dying (the kernel closes the pipe).
/// </para>
/// <para>
/// <c>timeout</c> bounds the whole thing: at the limit it sends SIGTERM to the wrapper's process group (the
/// program and anything it forked), and SIGKILL two seconds later.
/// </para>
/// </remarks>
internal static class ProgramWrapper
{
    /// <summary>
    /// The shell wrapper: keeps the harness's pipe on descriptor 3, runs the program with /dev/null as its input,
    /// and kills it when the pipe closes; exits with the program's status.
    /// </summary>
    /// <remarks>
    /// A non-interactive shell gives an asynchronous list /dev/null as its standard input, so the watcher reads
    /// the pipe through descriptor 3, which it inherits unchanged.
    /// </remarks>
    internal const string Script =
        "exec 3<&0 </dev/null; \"$@\" & p=$!; { read -r _ <&3; kill -TERM \"$p\" 2>/dev/null; } & w=$!; " +
        "wait \"$p\"; s=$?; kill \"$w\" 2>/dev/null; exit \"$s\"";

    /// <summary>The name the wrapper shows as its $0.</summary>
    internal const string WrapperName = "rf-bench-run";

    /// <summary>The command line that runs <paramref name="spec"/> bounded and stoppable.</summary>
    public static IReadOnlyList<string> Wrap(ProgramSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Argv.Count == 0)
        {
            throw new ArgumentException("A program needs a command.", nameof(spec));
        }

        var seconds = Math.Max(1, Math.Ceiling(spec.Limit.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ["timeout", "-k", "2", seconds, "sh", "-c", Script, WrapperName, .. spec.Argv];
    }
}
