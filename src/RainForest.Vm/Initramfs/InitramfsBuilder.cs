using System.IO.Compression;
using System.Text;

namespace RainForest.Vm.Initramfs;

/// <summary>
/// Collects the files of an initramfs (directories, files from the host or from memory, symbolic
/// links, device nodes, kernel modules with their dependencies) and writes it as a gzip-compressed
/// newc cpio archive, the form the kernel takes with <c>-initrd</c>.
/// </summary>
/// <remarks>
/// Entries are written sorted by path, and every parent directory is added (mode 0755) where the
/// caller did not add it, so a directory always comes before what it holds, as the kernel needs
/// while unpacking. Adding a path twice replaces the first entry.
/// </remarks>
public sealed class InitramfsBuilder
{
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The archive paths added so far (parents included), sorted.</summary>
    public IEnumerable<string> Paths => Expanded().Keys;

    /// <summary>Adds a directory.</summary>
    public InitramfsBuilder AddDirectory(string path, int permissions = 0x1ED /* 0755 */) =>
        Add(path, new Entry(CpioFileType.Directory, permissions, null, null, 0, 0));

    /// <summary>Adds a file with the given content.</summary>
    public InitramfsBuilder AddFile(string path, byte[] content, int permissions = 0x1A4 /* 0644 */)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Add(path, new Entry(CpioFileType.Regular, permissions, content, null, 0, 0));
    }

    /// <summary>Adds a text file (UTF-8, no byte order mark).</summary>
    public InitramfsBuilder AddText(string path, string text, int permissions = 0x1A4 /* 0644 */) =>
        AddFile(path, Encoding.UTF8.GetBytes(text), permissions);

    /// <summary>Adds a copy of a host file, read when the archive is written.</summary>
    /// <exception cref="FileNotFoundException">The host file does not exist.</exception>
    public InitramfsBuilder AddHostFile(string path, string hostPath, int permissions = 0x1A4 /* 0644 */)
    {
        if (!File.Exists(hostPath))
        {
            throw new FileNotFoundException($"{hostPath} does not exist", hostPath);
        }

        return Add(path, new Entry(CpioFileType.Regular, permissions, null, hostPath, 0, 0));
    }

    /// <summary>Adds a symbolic link.</summary>
    public InitramfsBuilder AddSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        return Add(path, new Entry(CpioFileType.Symlink, 0x1FF, Encoding.UTF8.GetBytes(target), null, 0, 0));
    }

    /// <summary>Adds a character device node (the kernel needs <c>/dev/console</c> before /init runs to give it a terminal).</summary>
    public InitramfsBuilder AddCharacterDevice(string path, int major, int minor, int permissions = 0x180 /* 0600 */) =>
        Add(path, new Entry(CpioFileType.CharacterDevice, permissions, null, null, major, minor));

    /// <summary>
    /// Adds the named modules of <paramref name="modulesDirectory"/> and everything they need, at
    /// <c>lib/modules/RELEASE/...</c> as in the host's layout, and returns their archive paths in load order.
    /// </summary>
    public IReadOnlyList<string> AddModules(string modulesDirectory, string release, IEnumerable<string> names)
    {
        var table = ModuleDependencies.Load(modulesDirectory);
        var paths = new List<string>();
        foreach (var relative in table.LoadOrder(names))
        {
            var path = $"lib/modules/{release}/{relative}";
            AddHostFile(path, Path.Combine(modulesDirectory, relative));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Writes the archive, gzip-compressed, to <paramref name="output"/>.</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Fastest: a few MB of modules and busybox; the guest's boot, not this, is the slow part.
        using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        using var cpio = new CpioNewcWriter(gzip, leaveOpen: true);
        foreach (var (path, entry) in Expanded())
        {
            switch (entry.Type)
            {
                case CpioFileType.Directory:
                    cpio.WriteDirectory(path, entry.Permissions);
                    break;
                case CpioFileType.Symlink:
                    cpio.WriteSymlink(path, Encoding.UTF8.GetString(entry.Content!));
                    break;
                case CpioFileType.CharacterDevice:
                    cpio.WriteCharacterDevice(path, entry.Major, entry.Minor, entry.Permissions);
                    break;
                case CpioFileType.Regular when entry.HostPath is { } host:
                    using (var file = File.OpenRead(host))
                    {
                        cpio.WriteFile(path, file, file.Length, entry.Permissions);
                    }

                    break;
                default:
                    cpio.WriteFile(path, entry.Content, entry.Permissions);
                    break;
            }
        }

        cpio.Finish();
    }

    /// <summary>Writes the archive to a file (replacing it).</summary>
    public void WriteTo(string path)
    {
        using var file = File.Create(path);
        WriteTo(file);
    }

    private InitramfsBuilder Add(string path, Entry entry)
    {
        _entries[CpioNewcWriter.NormalisePath(path)] = entry;
        return this;
    }

    private SortedDictionary<string, Entry> Expanded()
    {
        var all = new SortedDictionary<string, Entry>(_entries, StringComparer.Ordinal);
        foreach (var path in _entries.Keys)
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                all.TryAdd(path[..slash], new Entry(CpioFileType.Directory, 0x1ED, null, null, 0, 0));
            }
        }

        // Ordinal order puts "a" before "a/b" but also "a-b" (0x2D) before "a/b" (0x2F): that is
        // still fine, since only a parent has to precede its children and a parent is a prefix.
        return all;
    }

    private sealed record Entry(CpioFileType Type, int Permissions, byte[]? Content, string? HostPath, int Major, int Minor);
}
