namespace RainForest.Service.Tests;

/// <summary>A fact that needs root (cgroups, namespaces, the ledger under a real prefix): skipped with the reason otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root: the service creates subOSes on the real kernel (run ./test as root, as CI does)";
        }
    }
}
