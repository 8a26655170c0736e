namespace RainForest.Bench.Report;

/// <summary>A free-form table, printed as is: for results no other model fits (Table 5, say).</summary>
public sealed record ResultTable
{
    /// <summary>The table's title.</summary>
    public required string Title { get; init; }

    /// <summary>The column headers.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>The rows; each has one cell per column.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Rows { get; init; }

    /// <summary>Throws when a row does not have one cell per column.</summary>
    /// <exception cref="InvalidDataException">A row has the wrong number of cells.</exception>
    public void Validate()
    {
        for (var i = 0; i < Rows.Count; i++)
        {
            if (Rows[i].Count != Columns.Count)
            {
                throw new InvalidDataException($"Table '{Title}' row {i} has {Rows[i].Count} cells for {Columns.Count} columns.");
            }
        }
    }
}
