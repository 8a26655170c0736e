namespace RainForest.Vm.Tests.Guests;

/// <summary>A fact that is skipped, saying why, where qemu-system-x86_64 is not installed (CI installs it).</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        var path = $"{Environment.GetEnvironmentVariable("PATH")}:/usr/bin:/bin";
        if (!path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, "qemu-system-x86_64"))))
        {
            Skip = "qemu-system-x86_64 is not installed: the cgroup v2 guest cannot boot here (CI installs qemu-system-x86).";
        }
    }
}
