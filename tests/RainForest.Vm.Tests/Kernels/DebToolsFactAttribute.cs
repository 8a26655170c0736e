namespace RainForest.Vm.Tests.Kernels;

/// <summary>A fact that is skipped, saying why, where dpkg-deb or depmod is missing (CI installs kmod; dpkg is on every Debian).</summary>
public sealed class DebToolsFactAttribute : FactAttribute
{
    public DebToolsFactAttribute()
    {
        string[] dirs = ["/usr/bin", "/usr/sbin", "/bin", "/sbin"];
        foreach (var tool in new[] { "dpkg-deb", "depmod" })
        {
            if (!dirs.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                Skip = $"{tool} is not installed: a kernel package cannot be unpacked here (CI installs kmod).";
            }
        }
    }
}
