using System.Globalization;

namespace RainForest.Core.Model;

/// <summary>What a user asked for with <c>--cpus</c>: a count, a list, or a change (+N, -N).</summary>
/// <remarks>
/// As in Incus's limits.cpu, a bare number is a count and anything with '-' or ',' names CPUs;
/// a single CPU by number is written as a range of one (<c>3-3</c>).
/// </remarks>
public sealed record CpuRequest
{
    /// <summary>Kinds of request.</summary>
    public enum RequestKind
    {
        /// <summary>Exactly this many CPUs, chosen by the supervisor.</summary>
        Count,

        /// <summary>Exactly these CPUs.</summary>
        List,

        /// <summary>This many more CPUs.</summary>
        Add,

        /// <summary>This many fewer CPUs.</summary>
        Remove,
    }

    private CpuRequest(RequestKind kind, int count, CpuSet list)
    {
        Kind = kind;
        Count = count;
        List = list;
    }

    /// <summary>The kind.</summary>
    public RequestKind Kind { get; }

    /// <summary>The count for Count, Add and Remove.</summary>
    public int Count { get; }

    /// <summary>The CPUs for List.</summary>
    public CpuSet List { get; }

    /// <summary>Parses <c>N</c>, <c>LIST</c>, and, when <paramref name="allowRelative"/>, <c>+N</c> and <c>-N</c>.</summary>
    /// <exception cref="RfException">Invalid input (exit code 2).</exception>
    public static CpuRequest Parse(string text, bool allowRelative)
    {
        var s = text.Trim();
        if (allowRelative && s.Length > 1 && (s[0] == '+' || s[0] == '-'))
        {
            var n = ParseCount(s[1..], text);
            return new CpuRequest(s[0] == '+' ? RequestKind.Add : RequestKind.Remove, n, CpuSet.Empty);
        }

        if (!s.Contains('-', StringComparison.Ordinal) && !s.Contains(',', StringComparison.Ordinal))
        {
            return new CpuRequest(RequestKind.Count, ParseCount(s, text), CpuSet.Empty);
        }

        if (!CpuSet.TryParse(s, out var list, out var error) || list.IsEmpty)
        {
            throw RfException.Invalid($"--cpus {text}: {(list.IsEmpty && error.Length == 0 ? "no CPU named" : error)}");
        }

        return new CpuRequest(RequestKind.List, list.Count, list);
    }

    private static int ParseCount(string s, string original)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > CpuSet.MaxCpu + 1)
        {
            throw RfException.Invalid($"--cpus {original}: expected a count (2), a list (0-3,8), or for resize +N or -N");
        }

        return n;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RequestKind.Count => Count.ToString(CultureInfo.InvariantCulture),
        RequestKind.List => List.ToString(),
        RequestKind.Add => "+" + Count.ToString(CultureInfo.InvariantCulture),
        _ => "-" + Count.ToString(CultureInfo.InvariantCulture),
    };
}
