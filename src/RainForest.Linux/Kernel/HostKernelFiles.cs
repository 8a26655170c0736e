using System.Text;
using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Kernel;

/// <summary>The kernel's files through the file system itself: the running kernel's below <c>/</c>, or a captured tree.</summary>
/// <remarks>
/// Every behaviour <see cref="KernelFiles"/> describes is the kernel's own here; this class adds none. On a captured
/// tree the files are plain, which is what reading a snapshot needs (<c>rfm topo --root</c>).
/// </remarks>
internal sealed class HostKernelFiles : KernelFiles
{
    public HostKernelFiles(string root)
    {
        Root = root;
    }

    public override string Root { get; }

    public override string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public override void Write(string path, string value)
    {
        // Truncate, not Create: a control file the kernel does not offer must fail, not appear as a plain file.
        // No buffer, so the value reaches the kernel in one write(2), which is how it parses one value. An empty
        // value goes as a newline, as echo writes it: a write of no bytes never reaches the kernel.
        using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        stream.Write(Encoding.UTF8.GetBytes(value.Length == 0 ? "\n" : value));
    }

    public override void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public override void RemoveDirectory(string path) => Directory.Delete(path, recursive: false);

    public override void AttachDeviceProgram(string cgroupDir, IReadOnlyList<DeviceRule> rules) => CgroupDevicePrograms.Attach(cgroupDir, rules);

    public override IReadOnlyList<AttachedDeviceProgram> DevicePrograms(string cgroupDir) => CgroupDevicePrograms.Query(cgroupDir);

    public override void DetachDeviceProgram(string cgroupDir, uint id) => CgroupDevicePrograms.Detach(cgroupDir, id);
}
