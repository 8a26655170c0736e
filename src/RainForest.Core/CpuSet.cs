using System.Collections;
using System.Globalization;
using System.Text;

namespace RainForest.Core;

/// <summary>
/// An immutable set of logical CPU numbers, written the way the kernel writes them
/// in cpulist files (<c>0-3,8,10-11</c>).
/// </summary>
/// <remarks>
/// Kept as a sorted array so that equality, formatting and set algebra are cheap and
/// deterministic: the same set always prints the same string, which the ledger and the
/// journal rely on when they compare before and after.
/// </remarks>
public sealed class CpuSet : IEquatable<CpuSet>, IReadOnlyCollection<int>
{
    /// <summary>The largest CPU number accepted; the kernel's NR_CPUS tops out at 8192.</summary>
    public const int MaxCpu = 8191;

    private readonly int[] _cpus;

    /// <summary>The empty set.</summary>
    public static CpuSet Empty { get; } = new([]);

    private CpuSet(int[] sortedDistinct) => _cpus = sortedDistinct;

    /// <summary>Number of CPUs in the set.</summary>
    public int Count => _cpus.Length;

    /// <summary>True when the set holds no CPU.</summary>
    public bool IsEmpty => _cpus.Length == 0;

    /// <summary>Lowest CPU number; the set must not be empty.</summary>
    public int First => _cpus.Length > 0 ? _cpus[0] : throw new InvalidOperationException("The CPU set is empty.");

    /// <summary>Creates a set from any CPU numbers; duplicates are merged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or above <see cref="MaxCpu"/>.</exception>
    public static CpuSet Of(IEnumerable<int> cpus)
    {
        var sorted = new SortedSet<int>();
        foreach (var cpu in cpus)
        {
            if (cpu < 0 || cpu > MaxCpu)
            {
                throw new ArgumentOutOfRangeException(nameof(cpus), cpu, $"CPU numbers run from 0 to {MaxCpu}.");
            }

            sorted.Add(cpu);
        }

        return sorted.Count == 0 ? Empty : new CpuSet([.. sorted]);
    }

    /// <summary>Creates a set from CPU numbers.</summary>
    public static CpuSet Of(params int[] cpus) => Of((IEnumerable<int>)cpus);

    /// <summary>Parses a kernel cpulist such as <c>0-3,8</c>; an empty or blank string is the empty set.</summary>
    /// <exception cref="FormatException">The text is not a cpulist.</exception>
    public static CpuSet Parse(string text)
    {
        if (!TryParse(text, out var set, out var error))
        {
            throw new FormatException(error);
        }

        return set;
    }

    /// <summary>Parses a kernel cpulist without throwing.</summary>
    public static bool TryParse(string? text, out CpuSet set, out string error)
    {
        set = Empty;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var cpus = new SortedSet<int>();
        foreach (var rawPart in text.Trim().Split(','))
        {
            var part = rawPart.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!TryParseCpu(part, out var single))
                {
                    error = $"'{part}' is not a CPU number (expected a list such as 0-3,8)";
                    return false;
                }

                cpus.Add(single);
                continue;
            }

            if (!TryParseCpu(part[..dash], out var low) || !TryParseCpu(part[(dash + 1)..], out var high))
            {
                error = $"'{part}' is not a CPU range (expected a list such as 0-3,8)";
                return false;
            }

            if (high < low)
            {
                error = $"CPU range '{part}' runs backwards";
                return false;
            }

            for (var cpu = low; cpu <= high; cpu++)
            {
                cpus.Add(cpu);
            }
        }

        set = cpus.Count == 0 ? Empty : new CpuSet([.. cpus]);
        return true;
    }

    private static bool TryParseCpu(string s, out int cpu) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out cpu) && cpu <= MaxCpu;

    /// <summary>True when <paramref name="cpu"/> is in the set.</summary>
    public bool Contains(int cpu) => Array.BinarySearch(_cpus, cpu) >= 0;

    /// <summary>CPUs in either set.</summary>
    public CpuSet Union(CpuSet other) => Of(_cpus.Concat(other._cpus));

    /// <summary>CPUs in both sets.</summary>
    public CpuSet Intersect(CpuSet other) => Of(_cpus.Where(other.Contains));

    /// <summary>CPUs in this set and not in <paramref name="other"/>.</summary>
    public CpuSet Except(CpuSet other) => Of(_cpus.Where(c => !other.Contains(c)));

    /// <summary>True when every CPU of this set is in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(CpuSet other) => _cpus.All(other.Contains);

    /// <summary>True when the sets share at least one CPU.</summary>
    public bool Overlaps(CpuSet other) => _cpus.Any(other.Contains);

    /// <summary>The lowest <paramref name="count"/> CPUs of the set.</summary>
    public CpuSet Take(int count) => Of(_cpus.Take(count));

    /// <summary>Formats as a kernel cpulist (<c>0-3,8</c>); the empty set is the empty string.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var i = 0;
        while (i < _cpus.Length)
        {
            var start = _cpus[i];
            var end = start;
            while (i + 1 < _cpus.Length && _cpus[i + 1] == end + 1)
            {
                end = _cpus[++i];
            }

            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start)
            {
                sb.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            }

            i++;
        }

        return sb.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(CpuSet? other) => other is not null && _cpus.AsSpan().SequenceEqual(other._cpus);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CpuSet);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var cpu in _cpus)
        {
            hash.Add(cpu);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_cpus).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _cpus.GetEnumerator();
}
