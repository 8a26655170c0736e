using System.Globalization;

namespace RainForest.Bench.Report;

/// <summary>Formats measured values for tables and plot labels with about three significant digits.</summary>
internal static class NumberFormat
{
    public static string Value(double value)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        var abs = Math.Abs(value);
        var format = abs switch
        {
            0 => "0",
            >= 1000 => "N0",
            >= 100 => "F0",
            >= 10 => "0.#",
            >= 1 => "0.##",
            >= 0.001 => "0.###",
            _ => "G3",
        };
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Value(double? value) => value is { } v ? Value(v) : "–";

    /// <summary>A label for a log-axis tick at a power of ten: 0.01, 0.1, 1, 10, 1,000.</summary>
    public static string PowerOfTen(double value) =>
        value >= 1
            ? Math.Round(value).ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("0.##########", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return $"{Value(size)} {units[unit]}";
    }
}
