using System.Diagnostics.CodeAnalysis;
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
    /// <param name="text">The request as the user wrote it.</param>
    /// <param name="allowRelative">Whether a change (+N, -N) is a valid request here (resize, not create).</param>
    /// <param name="request">The request, when the text is one.</param>
    /// <param name="error">Why the text is not a request; it does not name the option, which is the caller's to add.</param>
    public static bool TryParse(string text, bool allowRelative, [NotNullWhen(true)] out CpuRequest? request, out string error)
    {
        var s = text.Trim();
        request = null;
        if (allowRelative && s.Length > 1 && (s[0] == '+' || s[0] == '-'))
        {
            if (!TryParseCount(s[1..], out var n, out error))
            {
                return false;
            }

            request = new CpuRequest(s[0] == '+' ? RequestKind.Add : RequestKind.Remove, n, CpuSet.Empty);
            return true;
        }

        if (!s.Contains('-', StringComparison.Ordinal) && !s.Contains(',', StringComparison.Ordinal))
        {
            if (!TryParseCount(s, out var n, out error))
            {
                return false;
            }

            request = new CpuRequest(RequestKind.Count, n, CpuSet.Empty);
            return true;
        }

        if (!CpuSet.TryParse(s, out var list, out var listError) || list.IsEmpty)
        {
            error = list.IsEmpty && listError.Length == 0 ? "no CPU named" : listError;
            return false;
        }

        request = new CpuRequest(RequestKind.List, list.Count, list);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses a request known to be well formed (a count or list the program made itself).</summary>
    /// <exception cref="FormatException">The text is not a request; the message says why.</exception>
    public static CpuRequest Parse(string text, bool allowRelative) =>
        TryParse(text, allowRelative, out var request, out var error) ? request : throw new FormatException($"{text}: {error}");

    private static bool TryParseCount(string s, out int n, out string error)
    {
        if (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1 || n > CpuSet.MaxCpu + 1)
        {
            error = "expected a count (2), a list (0-3,8), or for resize +N or -N";
            return false;
        }

        error = string.Empty;
        return true;
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
