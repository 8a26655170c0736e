using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>A fact that needs a cgroup file system of <paramref name="type"/> mounted at <paramref name="path"/> and CAP_SYS_ADMIN; skipped, saying why, otherwise.</summary>
public sealed class CgroupMountFactAttribute : FactAttribute
{
    public CgroupMountFactAttribute(string path, string type)
    {
        var mounted = File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).Any(f => f.Length > 2 && f[1] == path && f[2] == type);
        var self = ProcessSecurity.Read(Environment.ProcessId);
        if (!mounted)
        {
            Skip = $"no {type} file system at {path}";
        }
        else if (self is null || !self.Effective.Contains(Capability.SysAdmin))
        {
            Skip = "needs CAP_SYS_ADMIN (run as root, as CI does)";
        }
    }
}
