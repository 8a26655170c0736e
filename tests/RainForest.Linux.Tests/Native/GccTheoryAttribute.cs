using RainForest.Linux.Tests.Security;

namespace RainForest.Linux.Tests.Native;

/// <summary>A theory that is skipped, saying why, where gcc is not installed (CI installs it).</summary>
public sealed class GccTheoryAttribute : TheoryAttribute
{
    public GccTheoryAttribute()
    {
        if (!CProgram.GccAvailable)
        {
            Skip = "gcc is not installed: the constants are not checked against the C headers here (CI installs gcc).";
        }
    }
}
