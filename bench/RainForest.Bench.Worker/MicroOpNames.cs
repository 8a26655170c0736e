namespace RainForest.Bench.Worker;

/// <summary>The command-line and JSON names of <see cref="MicroOp"/> values.</summary>
public static class MicroOpNames
{
    private static readonly (MicroOp Op, string Name)[] s_names =
    [
        (MicroOp.Mmap, "mmap"),
        (MicroOp.MmapAnon, "mmap-anon"),
        (MicroOp.Malloc, "malloc"),
        (MicroOp.OpenClose, "openclose"),
        (MicroOp.PageFault, "pagefault"),
    ];

    /// <summary>All names, in declaration order, for help text.</summary>
    public static IReadOnlyList<string> All { get; } = [.. s_names.Select(n => n.Name)];

    /// <summary>The name of <paramref name="op"/>, such as <c>openclose</c>.</summary>
    public static string ToName(this MicroOp op)
    {
        foreach (var (candidate, name) in s_names)
        {
            if (candidate == op)
            {
                return name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown micro-benchmark.");
    }

    /// <summary>Parses a name (case-insensitive); <c>open</c> is accepted for <c>openclose</c>.</summary>
    public static bool TryParse(string? text, out MicroOp op)
    {
        op = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Equals("open", StringComparison.OrdinalIgnoreCase))
        {
            op = MicroOp.OpenClose;
            return true;
        }

        foreach (var (candidate, name) in s_names)
        {
            if (name.Equals(trimmed, StringComparison.OrdinalIgnoreCase))
            {
                op = candidate;
                return true;
            }
        }

        return false;
    }
}
