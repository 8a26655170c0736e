using RainForest.Core;

namespace RainForest.Bench.Harness.Tools;

/// <summary>Where this project's benchmark programs are: the <c>tools</c> folder next to rfm, or <c>RF_TOOLS_DIR</c>.</summary>
public static class ToolPaths
{
    /// <summary>The environment variable that names the tools folder (tests point it at a build output).</summary>
    public const string Variable = "RF_TOOLS_DIR";

    /// <summary>The tools folder.</summary>
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            return string.IsNullOrEmpty(configured) ? Path.Combine(AppContext.BaseDirectory, "tools") : Path.GetFullPath(configured);
        }
    }

    /// <summary>rf-bench-worker, the micro-benchmark worker.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static string Worker => Require("rf-bench-worker");

    /// <summary>rf-loadgen, the open-loop memcached load generator.</summary>
    /// <exception cref="RfException">It is missing.</exception>
    public static string Loadgen => Require("rf-loadgen");

    private static string Require(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
        {
            throw RfException.Failed($"{path} is missing (./rfm builds it into .build/bin/tools; or set {Variable})");
        }

        return path;
    }
}
