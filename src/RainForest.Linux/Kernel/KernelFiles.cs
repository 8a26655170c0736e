using RainForest.Interop;
using RainForest.Linux.Cgroups;

namespace RainForest.Linux.Kernel;

/// <summary>
/// The kernel's files (procfs, sysfs and the cgroup file systems) as RainForest reads and writes them: the running
/// kernel's below <c>/</c>, a captured tree below another root, or, in tests, a fixture that behaves like the kernel.
/// </summary>
/// <remarks>
/// <para>
/// Kernel files are not plain files. A cgroup directory appears with its control files on mkdir(2) and is removed
/// with rmdir(2) while they are still listed; it refuses removal (EBUSY) while it holds tasks or children. A control
/// file takes one value per write(2) and interprets it: <c>+cpuset</c> written to <c>cgroup.subtree_control</c>
/// reads back as <c>cpuset</c>, a pid written to <c>cgroup.procs</c> moves that task, <c>1</c> written to
/// <c>cgroup.kill</c> kills the group. A value the kernel refuses fails the write (EINVAL, EBUSY), and some writes
/// succeed yet record a different state (<c>cpuset.cpus.partition</c> reads back <c>root invalid (reason)</c>).
/// </para>
/// <para>
/// Code that talks to the kernel goes through this class and never asks which implementation it holds, so a fixture
/// that models those behaviours runs exactly the branches that run on the kernel. Paths are full paths;
/// <see cref="PathOf"/> joins a kernel path such as <c>/proc/irq</c> with <see cref="Root"/>. Failures throw what
/// .NET's file APIs throw: <see cref="UnauthorizedAccessException"/> for EACCES and EPERM,
/// <see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/> for ENOENT, and otherwise an
/// <see cref="IOException"/> (a <see cref="LinuxException"/> where the errno is known).
/// </para>
/// </remarks>
public abstract class KernelFiles
{
    /// <summary>The running kernel's files.</summary>
    public static KernelFiles Host { get; } = new HostKernelFiles("/");

    /// <summary>
    /// The files below <paramref name="root"/> read as the kernel's: <c>/</c> is the running kernel, another directory a
    /// captured tree (such as <c>tests/fixtures/machines/s-a</c>) whose files are plain.
    /// </summary>
    public static KernelFiles At(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        return full == "/" ? Host : new HostKernelFiles(full);
    }

    /// <summary>The directory that stands for <c>/</c>: <c>/</c> itself on the running kernel.</summary>
    public abstract string Root { get; }

    /// <summary>The full path of a kernel path (<c>/proc/meminfo</c>, or relative <c>proc/meminfo</c>) below <see cref="Root"/>.</summary>
    public string PathOf(string kernelPath)
    {
        var relative = kernelPath.TrimStart('/');
        return Root == "/" ? "/" + relative : Root.TrimEnd('/') + "/" + relative;
    }

    /// <summary>The whole text of a file, or null when it (or its directory) does not exist.</summary>
    /// <exception cref="IOException">Reading failed otherwise.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public abstract string? ReadText(string path);

    /// <summary>
    /// Writes <paramref name="value"/> to an existing file in one write(2), replacing what a plain file held: the
    /// kernel takes one value (one pid, one device rule) per write. A missing file is not created.
    /// </summary>
    /// <exception cref="IOException">The file is missing, or the kernel refused the value (EINVAL, EBUSY, ESRCH, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">The kernel refused the write (EACCES, EPERM).</exception>
    public abstract void Write(string path, string value);

    // The queries below read the tree as it is, in every implementation: the kernel and a fixture differ in what
    // writes, mkdir and rmdir do to it, never in how it is listed.

    /// <summary>True when <paramref name="path"/> is a file (the target of a link, if it is one).</summary>
    public bool FileExists(string path) => File.Exists(path);

    /// <summary>True when <paramref name="path"/> is a directory (the target of a link, if it is one).</summary>
    public bool DirectoryExists(string path) => Directory.Exists(path);

    /// <summary>Names of the entries of a directory (files, directories and links), in ordinal order; empty when it is missing.</summary>
    /// <exception cref="IOException">Listing failed otherwise.</exception>
    public IReadOnlyList<string> EntryNames(string dir) => List(dir, Directory.EnumerateFileSystemEntries);

    /// <summary>Names of the subdirectories of a directory (and of links to directories), in ordinal order; empty when it is missing.</summary>
    /// <exception cref="IOException">Listing failed otherwise.</exception>
    public IReadOnlyList<string> DirectoryNames(string dir) => List(dir, Directory.EnumerateDirectories);

    /// <summary>The target of the symbolic link at <paramref name="path"/> as stored; null when it is no link or missing.</summary>
    public string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Makes a directory (mkdir(2)); one that exists already is fine. In a cgroup file system the kernel fills it with control files.</summary>
    /// <exception cref="IOException">The kernel refused.</exception>
    public abstract void CreateDirectory(string path);

    /// <summary>Removes a directory with rmdir(2): a cgroup goes with its control files, but not while it holds tasks or children (EBUSY).</summary>
    /// <exception cref="IOException">The kernel refused, or a plain directory is not empty.</exception>
    public abstract void RemoveDirectory(string path);

    /// <summary>
    /// Loads the device program for <paramref name="rules"/> and attaches it to a cgroup v2 directory with
    /// <c>BPF_F_ALLOW_MULTI</c>: cgroup v2's device rules are a program on the directory's descriptor, not a file.
    /// </summary>
    /// <exception cref="LinuxException">The kernel refused to load or attach it.</exception>
    public abstract void AttachDeviceProgram(string cgroupDir, IReadOnlyList<DeviceRule> rules);

    /// <summary>Detaches the device program with kernel id <paramref name="id"/> from a cgroup v2 directory.</summary>
    /// <exception cref="LinuxException">It is not attached there, or the kernel refused.</exception>
    public abstract void DetachDeviceProgram(string cgroupDir, uint id);

    /// <summary>The device programs attached directly to a cgroup v2 directory (not those of its ancestors).</summary>
    /// <exception cref="LinuxException">The directory cannot be opened or the kernel refused the query.</exception>
    public abstract IReadOnlyList<AttachedDeviceProgram> DevicePrograms(string cgroupDir);

    private static List<string> List(string dir, Func<string, IEnumerable<string>> enumerate)
    {
        try
        {
            var names = enumerate(dir).Select(p => Path.GetFileName(p)).ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }
}
