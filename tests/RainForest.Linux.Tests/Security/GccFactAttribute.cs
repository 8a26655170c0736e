namespace RainForest.Linux.Tests.Security;

/// <summary>A fact that is skipped, saying why, where gcc is not installed (CI installs it).</summary>
public sealed class GccFactAttribute : FactAttribute
{
    public GccFactAttribute()
    {
        if (!CProgram.GccAvailable)
        {
            Skip = "gcc is not installed: the constants are not checked against the C headers here (CI installs gcc).";
        }
    }
}
