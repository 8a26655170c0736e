namespace RainForest.Dashboard.Tests;

/// <summary>A fact that starts a real service on a real supervisor: it needs root; skipped, saying so, without it.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: the service runs on a real supervisor (run as root, as CI does)";
        }
    }
}
