namespace RainForest.Bench.Report;

/// <summary>Conversions and symbols for <see cref="TimeUnit"/>.</summary>
public static class TimeUnits
{
    /// <summary>How many nanoseconds one <paramref name="unit"/> is.</summary>
    public static double NanosecondsPer(this TimeUnit unit) => unit switch
    {
        TimeUnit.Nanoseconds => 1,
        TimeUnit.Microseconds => 1e3,
        TimeUnit.Milliseconds => 1e6,
        TimeUnit.Seconds => 1e9,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit."),
    };

    /// <summary>Converts <paramref name="value"/> from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double Convert(double value, TimeUnit from, TimeUnit to) =>
        from == to ? value : value * from.NanosecondsPer() / to.NanosecondsPer();

    /// <summary>The symbol used in tables and axis titles: ns, µs, ms or s.</summary>
    public static string Symbol(this TimeUnit unit) => unit switch
    {
        TimeUnit.Nanoseconds => "ns",
        TimeUnit.Microseconds => "µs",
        TimeUnit.Milliseconds => "ms",
        TimeUnit.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time unit."),
    };
}
