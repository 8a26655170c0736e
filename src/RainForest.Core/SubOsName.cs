using System.Text.RegularExpressions;

namespace RainForest.Core;

/// <summary>Rules for subOS and channel names.</summary>
/// <remarks>
/// A name becomes a hostname, a cgroup directory, part of an interface name and a DNS label,
/// so it follows the strictest of those: RFC 1123 label characters, at most 32 characters
/// (interface names leave 15 bytes for prefix and name together, so links use a hash instead).
/// </remarks>
public static partial class SubOsName
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 32;

    /// <summary>Names reserved for the supervisor's own use.</summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.Ordinal) { "supervisor", "host", "free", "all" };

    // \z, not $: in .NET, $ also matches before a final newline, which would let "web\n" through.
    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();

    /// <summary>Returns null when <paramref name="name"/> is valid, else a one-line reason.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a name is required";
        }

        if (name.Length > MaxLength)
        {
            return $"name '{Printable.Escape(name)}' is longer than {MaxLength} characters";
        }

        if (!LabelPattern().IsMatch(name))
        {
            return $"name '{Printable.Escape(name)}' is invalid: use lower-case letters, digits and inner dashes (a hostname label)";
        }

        if (Reserved.Contains(name))
        {
            return $"name '{name}' is reserved";
        }

        return null;
    }

    /// <summary>Throws an invalid-input <see cref="RfException"/> when the name is not valid.</summary>
    public static string Check(string? name)
    {
        var error = Validate(name);
        return error is null ? name! : throw RfException.Invalid(error);
    }

    /// <summary>Checks every name of a list before any is acted on; the error names the first bad one, after <paramref name="context"/>.</summary>
    /// <exception cref="RfException">A name is not valid (exit code 2).</exception>
    public static void CheckAll(IEnumerable<string> names, string context = "")
    {
        foreach (var name in names)
        {
            if (Validate(name) is { } error)
            {
                throw RfException.Invalid(context + error);
            }
        }
    }
}
