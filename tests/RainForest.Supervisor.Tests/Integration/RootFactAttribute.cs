namespace RainForest.Supervisor.Tests.Integration;

/// <summary>A fact that needs root (it mounts file systems and starts subOSes); skipped, saying why, for anyone else.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root: it mounts a tmpfs and starts subOSes (run as root, as CI does)";
        }
    }
}
