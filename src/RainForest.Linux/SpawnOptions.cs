using System.Runtime.InteropServices;

namespace RainForest.Linux;

/// <summary>What <see cref="Spawner.Spawn"/> starts and how.</summary>
public sealed class SpawnOptions
{
    /// <summary>Absolute path of the program.</summary>
    public required string Path { get; init; }

    /// <summary>The full argument vector, program name first.</summary>
    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>Environment as <c>KEY=VALUE</c> strings; null inherits nothing but a default PATH.</summary>
    public IReadOnlyList<string>? Environment { get; init; }

    /// <summary>Working directory of the child, or null to keep the parent's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Descriptors of this process to install in the child: key = the child's fd number, value = this
    /// process's handle, which stays this process's (the child gets a copy). Child fds 0, 1 and 2 not named
    /// here are opened on /dev/null.
    /// </summary>
    public IReadOnlyDictionary<int, SafeHandle> Fds { get; init; } = new Dictionary<int, SafeHandle>();

    /// <summary>Path opened read-write as the child's stdin, stdout and stderr (after setsid, so a terminal becomes the controlling one).</summary>
    public string? Terminal { get; init; }

    /// <summary>Start the child in a new session (setsid), detached from the caller's terminal and process group.</summary>
    public bool NewSession { get; init; }
}
