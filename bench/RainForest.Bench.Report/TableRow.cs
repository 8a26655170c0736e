namespace RainForest.Bench.Report;

/// <summary>
/// One measured operation summarised, with the paper's number beside it when there is one: for example the
/// time to create a subOS (Table 4).
/// </summary>
public sealed record TableRow
{
    /// <summary>The system measured.</summary>
    public required string System { get; init; }

    /// <summary>The operation, such as <c>create</c> or <c>cpu online</c>.</summary>
    public required string Operation { get; init; }

    /// <summary>The median over the repetitions.</summary>
    public double Median { get; init; }

    /// <summary>The 99th percentile over the repetitions.</summary>
    public double? P99 { get; init; }

    /// <summary>The mean over the repetitions.</summary>
    public double? Mean { get; init; }

    /// <summary>How many repetitions.</summary>
    public int? Count { get; init; }

    /// <summary>The paper's value for the same operation, if it reports one, in <see cref="Unit"/>.</summary>
    public double? PaperValue { get; init; }

    /// <summary>The unit of every value in the row, such as <c>s</c> or <c>ms</c>.</summary>
    public string Unit { get; init; } = "s";

    /// <summary>A remark on this row (what the paper's number measured, say).</summary>
    public string? Note { get; init; }
}
