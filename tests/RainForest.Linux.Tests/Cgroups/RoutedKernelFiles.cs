using RainForest.Linux.Cgroups;
using RainForest.Linux.Kernel;

namespace RainForest.Linux.Tests.Cgroups;

/// <summary>
/// The running kernel's files below one directory and a fixture kernel's everywhere else: for a real-kernel test
/// that needs one real hierarchy (the devices group) and leaves the others it must not touch in a fixture.
/// </summary>
internal sealed class RoutedKernelFiles : KernelFiles
{
    private readonly string _realBelow;
    private readonly KernelFiles _real;
    private readonly KernelFiles _fixture;

    public RoutedKernelFiles(string realBelow, KernelFiles real, KernelFiles fixture)
    {
        _realBelow = realBelow;
        _real = real;
        _fixture = fixture;
    }

    public override string Root => _fixture.Root;

    public override string? ReadText(string path) => For(path).ReadText(path);

    public override void Write(string path, string value) => For(path).Write(path, value);

    public override void CreateDirectory(string path) => For(path).CreateDirectory(path);

    public override void RemoveDirectory(string path) => For(path).RemoveDirectory(path);

    public override void AttachDeviceProgram(string cgroupDir, IReadOnlyList<DeviceRule> rules) => For(cgroupDir).AttachDeviceProgram(cgroupDir, rules);

    public override IReadOnlyList<AttachedDeviceProgram> DevicePrograms(string cgroupDir) => For(cgroupDir).DevicePrograms(cgroupDir);

    public override void DetachDeviceProgram(string cgroupDir, uint id) => For(cgroupDir).DetachDeviceProgram(cgroupDir, id);

    private KernelFiles For(string path) =>
        path == _realBelow || path.StartsWith(_realBelow + "/", StringComparison.Ordinal) ? _real : _fixture;
}
