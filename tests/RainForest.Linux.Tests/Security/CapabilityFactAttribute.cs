using RainForest.Linux.Security;

namespace RainForest.Linux.Tests.Security;

/// <summary>A fact that needs <paramref name="capability"/> in this process's effective set (root in CI); skipped, saying why, without it.</summary>
public sealed class CapabilityFactAttribute : FactAttribute
{
    public CapabilityFactAttribute(Capability capability)
    {
        var self = ProcessSecurity.Read(Environment.ProcessId);
        if (self is null || !self.Effective.Contains(capability))
        {
            Skip = $"needs {CapabilitySet.NameOf(capability)} (run as root, as CI does)";
        }
    }
}
