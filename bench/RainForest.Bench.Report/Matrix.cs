namespace RainForest.Bench.Report;

/// <summary>
/// A grid of values with labelled rows and columns, drawn as a heatmap: for example the slowdown in percent of
/// each foreground benchmark (row) next to each background benchmark (column), as in the paper's Fig. 7.
/// </summary>
public sealed record Matrix
{
    /// <summary>The plot's title.</summary>
    public required string Title { get; init; }

    /// <summary>The system measured, if the matrix is about one.</summary>
    public string? System { get; init; }

    /// <summary>What the rows are, such as <c>foreground</c>.</summary>
    public string RowAxis { get; init; } = "";

    /// <summary>What the columns are, such as <c>background</c>.</summary>
    public string ColumnAxis { get; init; } = "";

    /// <summary>One label per row, top to bottom.</summary>
    public required IReadOnlyList<string> RowLabels { get; init; }

    /// <summary>One label per column, left to right.</summary>
    public required IReadOnlyList<string> ColumnLabels { get; init; }

    /// <summary>Values by row then column; null for a cell not measured.</summary>
    public required IReadOnlyList<IReadOnlyList<double?>> Values { get; init; }

    /// <summary>The unit of the values, such as <c>%</c>.</summary>
    public string Unit { get; init; } = "%";

    /// <summary>Throws when the values are not one row per row label and one value per column label.</summary>
    /// <exception cref="InvalidDataException">The shape is wrong or a value is not finite.</exception>
    public void Validate()
    {
        if (Values.Count != RowLabels.Count)
        {
            throw new InvalidDataException($"Matrix '{Title}' has {Values.Count} rows of values for {RowLabels.Count} row labels.");
        }

        for (var r = 0; r < Values.Count; r++)
        {
            if (Values[r].Count != ColumnLabels.Count)
            {
                throw new InvalidDataException(
                    $"Matrix '{Title}' row {r} ({RowLabels[r]}) has {Values[r].Count} values for {ColumnLabels.Count} column labels.");
            }

            foreach (var value in Values[r])
            {
                if (value is { } v && !double.IsFinite(v))
                {
                    throw new InvalidDataException($"Matrix '{Title}' row {r} holds a value that is not finite.");
                }
            }
        }
    }
}
