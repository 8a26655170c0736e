namespace RainForest.Supervisor.Tests.Security;

/// <summary>One hostile attempt from inside a subOS, with what the Security Guard must make of it.</summary>
/// <param name="Id">Stable identifier, also the row's key in docs/security.md.</param>
/// <param name="Group">What the attempt goes after.</param>
/// <param name="Title">The attempt, in words.</param>
/// <param name="Script">
/// A <c>sh</c> script run as root inside; placeholders in braces (<c>{neighbourPid}</c>) are filled in by
/// <see cref="GuardedSubOses.Fill"/>. Every script is harmless on a host where the guard fails: it writes back
/// what a file holds, opens for writing without writing, sends signal 0, or passes arguments the kernel rejects.
/// </param>
/// <param name="Expected">The result in an unprivileged subOS.</param>
/// <param name="Before">
/// The result on the old main, where root inside was the host's root: <c>allowed</c> or <c>denied</c>.
/// </param>
public sealed record Attempt(string Id, AttemptGroup Group, string Title, string Script, Expectation Expected, string Before)
{
    /// <summary>A host file (placeholders allowed) whose content must be the same before and after the attempt.</summary>
    public string? HostFile { get; init; }

    /// <summary>The result in a privileged subOS, for the few attempts harmless even when they succeed; else null.</summary>
    public Expectation? Privileged { get; init; }
}
