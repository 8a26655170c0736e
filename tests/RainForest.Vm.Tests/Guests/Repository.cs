using System.Diagnostics;

namespace RainForest.Vm.Tests.Guests;

/// <summary>This checkout, and the rfm that ./rfm builds in it.</summary>
internal static class Repository
{
    private static readonly Lock s_buildLock = new();

    public static string Root
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "RainForest.slnx")))
            {
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("the test does not run inside a RainForest checkout");
            }

            return dir;
        }
    }

    /// <summary>
    /// <c>.build/bin/rfm</c>, built by <c>./rfm --version</c> where this run is the first (./test runs
    /// it before the tests). The guest runs the binary itself: the wrapper would try to rebuild on a read-only tree.
    /// </summary>
    public static string BuiltRfm()
    {
        var rfm = Path.Combine(Root, ".build", "bin", "rfm");
        lock (s_buildLock)
        {
            if (!File.Exists(rfm))
            {
                using var build = Process.Start(new ProcessStartInfo(Path.Combine(Root, "rfm"), "--version") { RedirectStandardOutput = true })!;
                build.WaitForExit();
            }
        }

        return File.Exists(rfm) ? rfm : throw new InvalidOperationException($"{rfm} was not built: run ./rfm --version and read .build/build.log");
    }
}
