using System.Text.RegularExpressions;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>What an attempt must end in: a given error, or an exit code of 0 with output that matches.</summary>
/// <param name="Succeeds">True when the command must exit 0 (an observation: what the subOS can see).</param>
/// <param name="Pattern">A regular expression the command's output (stdout and stderr) must match.</param>
/// <param name="Summary">How the result reads in docs/security.md.</param>
public sealed record Expectation(bool Succeeds, string Pattern, string Summary)
{
    // What each errno reads as: the probe prints its name, util-linux and the shell their own words
    // (mount reports EPERM as "permission denied", umount as "must be superuser").
    private static readonly Dictionary<string, string> s_messages = new(StringComparer.Ordinal)
    {
        ["EPERM"] = "Operation not permitted|permission denied|must be superuser",
        ["EACCES"] = "Permission denied",
        ["EROFS"] = "Read-only file system",
        ["ENOENT"] = "No such file or directory",
        ["ESRCH"] = "No such process",
        ["EINVAL"] = "Invalid argument",
        ["ENOSYS"] = "Function not implemented",
        ["EADDRNOTAVAIL"] = "Cannot assign requested address",
    };

    /// <summary>The command fails with <paramref name="errno"/> (any of them, separated by <c>|</c>).</summary>
    public static Expectation Errno(string errno)
    {
        var names = errno.Split('|');
        var pattern = string.Join('|', names.Select(n => $@"\b{n}\b|{s_messages[n]}"));
        return new Expectation(false, pattern, $"denied: {string.Join(" or ", names)}");
    }

    /// <summary>The command exits 0 and its trimmed output matches <paramref name="regex"/> in full.</summary>
    public static Expectation Output(string regex, string summary) => new(true, $"^(?:{regex})$", summary);

    /// <summary>True when an exit code and output meet this expectation.</summary>
    public bool IsMetBy(int exitCode, string output) =>
        (Succeeds ? exitCode == 0 : exitCode != 0) && Regex.IsMatch(Succeeds ? output.Trim() : output, Pattern, RegexOptions.Multiline);
}
