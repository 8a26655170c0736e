using System.Diagnostics;
using RainForest.Linux;
using RainForest.Supervisor.Tests.Integration;

namespace RainForest.Supervisor.Tests.Security;

/// <summary>
/// The suite's C probe (probe.c): one system call per command, built statically on the host and copied into
/// subOSes through stdin, so it runs whatever libraries the subOS's root holds and wherever the host keeps
/// its temporary files (the host's /tmp is not visible inside).
/// </summary>
internal static class Probe
{
    /// <summary>Where the probe lies inside every subOS the suite prepares.</summary>
    public const string InsidePath = "/tmp/rfprobe";

    /// <summary>Compiles probe.c into <paramref name="directory"/> and returns the binary's path.</summary>
    public static string Build(string directory)
    {
        var source = Path.Combine(RepoRoot(), "tests/RainForest.Supervisor.Tests/Security/probe.c");
        var binary = Path.Combine(directory, "rfprobe");
        var gcc = new ProcessStartInfo("gcc", ["-static", "-O1", "-Wall", "-Werror", "-o", binary, source]) { RedirectStandardError = true };
        using var process = Process.Start(gcc) ?? throw new InvalidOperationException("cannot start gcc");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"gcc -static failed (gcc and libc6-dev are required; .ci/run installs them): {errors}");
        }

        return binary;
    }

    /// <summary>Copies a host file into a subOS through the program's stdin and makes it executable.</summary>
    public static void Install(CellHost host, string subOs, string hostFile, string insidePath = InsidePath)
    {
        using var source = File.OpenHandle(hostFile);
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Write);
        var code = ExecClient.Run(
            host.Supervisor.AgentSocket(subOs),
            ["sh", "-c", $"cat > {insidePath} && chmod 755 {insidePath}"],
            fds: [source, devNull, StandardStreams.Error]);
        if (code != 0)
        {
            throw new InvalidOperationException($"cannot install {hostFile} into {subOs}: exit {code}");
        }
    }

    /// <summary>Runs the probe on the host (for host-side checks) and returns what it printed.</summary>
    public static string RunOnHost(string binary, params string[] args)
    {
        var start = new ProcessStartInfo(binary, args) { RedirectStandardOutput = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the probe");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("cannot find the repository root");
        }

        return dir;
    }
}
