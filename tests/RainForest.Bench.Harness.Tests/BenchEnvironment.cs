using System.Diagnostics;
using System.Runtime.CompilerServices;
using RainForest.Bench.Harness.Tools;
using RainForest.Supervisor.Cells;

namespace RainForest.Bench.Harness.Tests;

/// <summary>
/// Points the harness at the programs ./rfm builds (rf-agent, and rf-bench-worker, rf-loadgen and rf-ipc-bench in
/// .build/bin/bench/tools), building them once if this is the first run, as the supervisor's integration tests do.
/// </summary>
internal static class BenchEnvironment
{
    private static readonly Lock s_gate = new();
    private static bool s_ready;

    [ModuleInitializer]
    internal static void GrowThreadPool()
    {
        // The xunit runner blocks pool threads; a larger pool keeps the harness's awaits from waiting for threads.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(io, 16));
    }

    /// <summary>The repository root.</summary>
    public static string Repo
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
            {
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("cannot find the repository root");
            }

            return dir;
        }
    }

    /// <summary>Makes sure the agent and the tools exist and the harness finds them.</summary>
    public static void Ensure()
    {
        lock (s_gate)
        {
            if (s_ready)
            {
                return;
            }

            var bin = Path.Combine(Repo, ".build/bin");
            var tools = Path.Combine(bin, "bench/tools");
            if (!File.Exists(Path.Combine(bin, "rf-agent")) || !File.Exists(Path.Combine(tools, "rf-bench-worker")) || !File.Exists(Path.Combine(tools, "rf-loadgen"))
                || !File.Exists(Path.Combine(tools, "rf-ipc-bench")))
            {
                using var build = Process.Start(new ProcessStartInfo(Path.Combine(Repo, "rfm"), "--version") { RedirectStandardOutput = true })!;
                build.WaitForExit();
            }

            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(CellBackend.AgentVariable)))
            {
                Environment.SetEnvironmentVariable(CellBackend.AgentVariable, Path.Combine(bin, "rf-agent"));
            }

            Environment.SetEnvironmentVariable(ToolPaths.Variable, tools);
            s_ready = true;
        }
    }
}
