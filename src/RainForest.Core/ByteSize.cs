using System.Globalization;

namespace RainForest.Core;

/// <summary>A memory size in bytes, parsed from and printed as <c>512M</c>, <c>2G</c>, <c>1.5GiB</c>.</summary>
/// <remarks>
/// Suffixes are binary whether or not they carry an <c>i</c> (<c>1G</c> = <c>1GiB</c> = 2^30 bytes),
/// as in LXC, cgroup files and the kernel's own memory accounting; a bare number is bytes.
/// </remarks>
public readonly record struct ByteSize(long Bytes) : IComparable<ByteSize>
{
    /// <summary>One mebibyte.</summary>
    public const long MiB = 1L << 20;

    /// <summary>One gibibyte.</summary>
    public const long GiB = 1L << 30;

    /// <summary>Zero bytes.</summary>
    public static ByteSize Zero => new(0);

    /// <summary>Creates a size of <paramref name="mebibytes"/> MiB.</summary>
    public static ByteSize FromMiB(long mebibytes) => new(mebibytes * MiB);

    /// <summary>Parses a size such as <c>512M</c>, <c>2G</c>, <c>1.5GiB</c> or <c>1048576</c>.</summary>
    /// <exception cref="FormatException">The text is not a size.</exception>
    public static ByteSize Parse(string text) =>
        TryParse(text, out var size) ? size : throw new FormatException($"'{text}' is not a size (expected a number with K, M, G or T, such as 512M)");

    /// <summary>Parses a size without throwing.</summary>
    public static bool TryParse(string? text, out ByteSize size)
    {
        size = Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var end = s.Length;
        if (end > 0 && (s[end - 1] == 'B' || s[end - 1] == 'b'))
        {
            end--;
        }

        if (end > 0 && (s[end - 1] == 'i' || s[end - 1] == 'I'))
        {
            end--;
        }

        long unit = 1;
        if (end > 0)
        {
            unit = char.ToUpperInvariant(s[end - 1]) switch
            {
                'K' => 1L << 10,
                'M' => 1L << 20,
                'G' => 1L << 30,
                'T' => 1L << 40,
                _ => 1,
            };
            if (unit != 1)
            {
                end--;
            }
            else if (end != s.Length)
            {
                // "12iB" or "12B" with an i: a suffix letter is missing.
                return end == s.Length - 1 && (s[^1] == 'B' || s[^1] == 'b') && TryNumber(s[..end], unit, out size);
            }
        }

        return TryNumber(s[..end], unit, out size);
    }

    private static bool TryNumber(string number, long unit, out ByteSize size)
    {
        size = Zero;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        var bytes = value * unit;
        if (bytes > long.MaxValue / 2 || bytes != decimal.Floor(bytes))
        {
            return false;
        }

        size = new ByteSize((long)bytes);
        return true;
    }

    /// <summary>Adds two sizes.</summary>
    public static ByteSize operator +(ByteSize a, ByteSize b) => new(a.Bytes + b.Bytes);

    /// <summary>Subtracts two sizes.</summary>
    public static ByteSize operator -(ByteSize a, ByteSize b) => new(a.Bytes - b.Bytes);

    /// <summary>Compares two sizes.</summary>
    public static bool operator <(ByteSize a, ByteSize b) => a.Bytes < b.Bytes;

    /// <summary>Compares two sizes.</summary>
    public static bool operator >(ByteSize a, ByteSize b) => a.Bytes > b.Bytes;

    /// <summary>Compares two sizes.</summary>
    public static bool operator <=(ByteSize a, ByteSize b) => a.Bytes <= b.Bytes;

    /// <summary>Compares two sizes.</summary>
    public static bool operator >=(ByteSize a, ByteSize b) => a.Bytes >= b.Bytes;

    /// <inheritdoc/>
    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    /// <summary>Prints the size in the largest binary unit it reaches: whole (<c>512M</c>, <c>3G</c>) when exact, else with two decimals (<c>1.46G</c>).</summary>
    public override string ToString()
    {
        ReadOnlySpan<(long Unit, string Suffix)> units = [(1L << 40, "T"), (1L << 30, "G"), (1L << 20, "M"), (1L << 10, "K")];
        foreach (var (unit, suffix) in units)
        {
            if (Bytes >= unit)
            {
                return Bytes % unit == 0
                    ? (Bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix
                    : ((double)Bytes / unit).ToString("0.##", CultureInfo.InvariantCulture) + suffix;
            }
        }

        return Bytes.ToString(CultureInfo.InvariantCulture);
    }
}
