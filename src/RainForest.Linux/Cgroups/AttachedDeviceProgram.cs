namespace RainForest.Linux.Cgroups;

/// <summary>A device program attached to a cgroup v2 directory, as the kernel reports it.</summary>
/// <param name="Id">The kernel's program id.</param>
/// <param name="Name">The name given at load (empty when the kernel did not say).</param>
/// <param name="Tag">The kernel's tag in hex (see <see cref="DeviceProgram.Tags"/>), empty when the kernel did not say.</param>
public sealed record AttachedDeviceProgram(uint Id, string Name, string Tag);
